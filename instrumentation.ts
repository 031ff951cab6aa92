// Runs once when the server starts: validate configuration and migrate the database, or stop.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getConfig } = await import('./lib/config');
  const { getDb } = await import('./lib/db');
  try {
    getConfig();
    await getDb();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
