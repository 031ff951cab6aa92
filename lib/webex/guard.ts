import CircuitBreaker from 'opossum';

/**
 * What stands between the portal and a slow or dead WebEx, once per process: at most
 * `maxConcurrency` calls in flight (the rest wait up to `maxWaitMs`, then are told "busy"), and a
 * circuit breaker (opossum) that, after a run of connection failures or timeouts, answers at
 * once for `coolDownMs` and then lets one probe through (half-open). WebEx FAILURE answers and
 * bad data do not count: WebEx answered, so it is reachable.
 */
export interface UpstreamGuardOptions {
  maxConcurrency: number;
  /** how long a call may wait for a free slot */
  maxWaitMs: number;
  /** failures (connection refused/reset, timeouts) within the window, at least half the calls, that open the circuit */
  failureThreshold: number;
  /** how long the circuit stays open before one probe is let through */
  coolDownMs: number;
  /** the window failures are counted in */
  windowMs?: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface UpstreamStats {
  circuit: CircuitState;
  inFlight: number;
  waiting: number;
}

export interface UpstreamGuard {
  run<T>(call: () => Promise<T>): Promise<T>;
  stats(): UpstreamStats;
  /** stops the breaker's timers (tests, shutdown) */
  close(): void;
}

/** Refusals of the guard itself; the client turns them into WebexErrors by `code`. */
export class UpstreamRefusal extends Error {
  constructor(
    readonly code: 'WEBEX_BUSY' | 'WEBEX_CIRCUIT_OPEN',
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamRefusal';
  }
}

// Errors that say WebEx could not be reached in time; anything else (a FAILURE answer, malformed
// XML, HTTP 4xx) proves it answered. Read by `code`, so a WebexError of any bundle counts.
const OUTAGE_CODES: ReadonlySet<string> = new Set(['WEBEX_UNREACHABLE', 'WEBEX_TIMEOUT']);

function codeOf(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** A counting semaphore whose waiters give up after a deadline and leave the queue. */
function createSlots(size: number) {
  let free = size;
  const waiters: (() => void)[] = [];
  return {
    inFlight: () => size - free,
    waiting: () => waiters.length,
    acquire(maxWaitMs: number): Promise<boolean> {
      if (free > 0) {
        free -= 1;
        return Promise.resolve(true);
      }
      return new Promise((resolve) => {
        const grant = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          const at = waiters.indexOf(grant);
          if (at >= 0) waiters.splice(at, 1);
          resolve(false);
        }, maxWaitMs);
        waiters.push(grant);
      });
    },
    release(): void {
      const next = waiters.shift();
      // a slot passes straight to the next waiter; only with nobody waiting does it become free
      if (next) next();
      else free += 1;
    },
  };
}

export function createUpstreamGuard(options: UpstreamGuardOptions): UpstreamGuard {
  const slots = createSlots(options.maxConcurrency);
  const breaker = new CircuitBreaker(<T>(call: () => Promise<T>) => call(), {
    // the client has its own deadline; the breaker only counts
    timeout: false,
    resetTimeout: options.coolDownMs,
    volumeThreshold: options.failureThreshold,
    errorThresholdPercentage: 50,
    rollingCountTimeout: options.windowMs ?? 30_000,
    errorFilter: (err: unknown) => !OUTAGE_CODES.has(codeOf(err) ?? ''),
  });

  return {
    async run<T>(call: () => Promise<T>): Promise<T> {
      if (breaker.opened) throw new UpstreamRefusal('WEBEX_CIRCUIT_OPEN', 'WebEx was unreachable moments ago; not trying again until the cool-down ends');
      if (!(await slots.acquire(options.maxWaitMs))) {
        throw new UpstreamRefusal('WEBEX_BUSY', `all ${options.maxConcurrency} connections to WebEx are busy`);
      }
      try {
        return (await breaker.fire(call)) as T;
      } catch (err) {
        if (codeOf(err) === 'EOPENBREAKER') throw new UpstreamRefusal('WEBEX_CIRCUIT_OPEN', 'WebEx was unreachable moments ago; another request is probing it');
        throw err;
      } finally {
        slots.release();
      }
    },
    stats() {
      return { circuit: breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed', inFlight: slots.inFlight(), waiting: slots.waiting() };
    },
    close() {
      breaker.shutdown();
    },
  };
}
