// Runs once when the server starts: validate configuration and migrate the database, or stop.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startOrExit } = await import('./lib/server');
    await startOrExit();
  }
}
