import { log } from '../log';
import { processSlot } from '../process';

/**
 * Graceful shutdown. Next's own SIGTERM handler stops accepting connections, waits for the
 * requests in flight and exits; this adds what Next cannot know: a deadline (a launch waiting on
 * a hung WebEx must not hold the process forever), a draining flag for readiness, and closing the
 * WebEx connection pool once the launches in flight are done. State is per process (lib/process):
 * every bundle counts into it.
 */
const state = processSlot<{ inFlight: number; draining: boolean }>('shutdown');
const current = () => state.getOrCreate(() => ({ inFlight: 0, draining: false }));

/** Counts a launch as in flight while it runs. */
export async function trackLaunch<T>(run: () => Promise<T>): Promise<T> {
  current().inFlight += 1;
  try {
    return await run();
  } finally {
    current().inFlight -= 1;
  }
}

export function isDraining(): boolean {
  return current().draining;
}

const POLL_MS = 50;

/** Installs the SIGTERM/SIGINT part: deadline, draining, pools closed after the last launch. */
export function installShutdown(options: { deadlineMs: number; closePools: () => void }): void {
  const begin = (signal: string) => {
    if (current().draining) return;
    current().draining = true;
    log.info({ signal, inFlight: current().inFlight, deadlineMs: options.deadlineMs }, 'shutting down: finishing launches in flight');
    // unref: when Next exits first, as it should, this timer does not keep the process alive
    setTimeout(() => {
      log.warn({ inFlight: current().inFlight }, 'shutdown deadline passed: exiting with launches still in flight');
      process.exit(1);
    }, options.deadlineMs).unref();
    const closeWhenIdle = () => {
      if (current().inFlight > 0) {
        setTimeout(closeWhenIdle, POLL_MS).unref();
        return;
      }
      options.closePools();
      log.info('shutdown: launches done, WebEx connections closed');
    };
    closeWhenIdle();
  };
  process.once('SIGTERM', () => begin('SIGTERM'));
  process.once('SIGINT', () => begin('SIGINT'));
}
