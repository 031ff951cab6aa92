import pino from 'pino';
import { vi } from 'vitest';
import { log } from '../log';

/**
 * For tests: everything the logger writes while `run` runs, at every level (pino's one
 * destination stream, whatever the child logger), as one string; nothing reaches stdout.
 */
export async function captureLog(run: () => Promise<void>): Promise<string> {
  const stream = (log as unknown as Record<symbol, { write(line: string): unknown }>)[pino.symbols.streamSym];
  if (!stream) throw new Error('pino exposes no stream to watch');
  const written = vi.spyOn(stream, 'write').mockImplementation(() => true);
  const level = log.level;
  log.level = 'trace';
  try {
    await run();
    return written.mock.calls.map(([line]) => String(line)).join('');
  } finally {
    log.level = level;
    written.mockRestore();
  }
}
