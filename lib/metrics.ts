import { processSlot } from './process';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { UpstreamStats } from './webex';

/**
 * The portal's Prometheus metrics (prom-client), one registry per process: Next bundles lib/ into
 * several chunks, and every chunk must count into the same series. Labels have bounded values only
 * (outcome codes, call names, actions): never an e-mail or a WebEx ID.
 */
export interface PortalMetrics {
  registry: Registry;
  /** site: the WebEx site's name, one of the configured (a bounded label) */
  launches: Counter<'outcome' | 'site'>;
  launchDuration: Histogram<'result'>;
  launchCredentials: Counter<'credential'>;
  webexCalls: Histogram<'call' | 'outcome'>;
  auditEvents: Counter<'action' | 'outcome'>;
  /** home pages' lists of meetings: fetched, cached or the failure code (never whose, never what) */
  meetingLists: Counter<'outcome'>;
  /** where the upstream gauges read from, set once the guard and the pool exist */
  upstream: { stats?: () => UpstreamStats; sockets?: () => { open: number; max: number } };
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function createMetrics(): PortalMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'webex_sso_' });
  const upstream: PortalMetrics['upstream'] = {};
  new Gauge({
    name: 'webex_sso_upstream_in_flight',
    help: 'Calls to WebEx (XML API and REST API) in flight in this process',
    registers: [registry],
    collect() {
      this.set(upstream.stats?.().inFlight ?? 0);
    },
  });
  new Gauge({
    name: 'webex_sso_upstream_waiting',
    help: 'Calls to WebEx waiting for a free connection (WEBEX_MAX_CONCURRENCY per API)',
    registers: [registry],
    collect() {
      this.set(upstream.stats?.().waiting ?? 0);
    },
  });
  new Gauge({
    name: 'webex_sso_upstream_sockets',
    help: 'Connections open to WebEx now (at most WEBEX_MAX_CONCURRENCY per WebEx host)',
    registers: [registry],
    collect() {
      this.set(upstream.sockets?.().open ?? 0);
    },
  });
  new Gauge({
    name: 'webex_sso_upstream_sockets_max',
    help: 'The most connections ever open to WebEx at once in this process',
    registers: [registry],
    collect() {
      this.set(upstream.sockets?.().max ?? 0);
    },
  });
  new Gauge({
    name: 'webex_sso_circuit_open',
    help: '1 while the circuit to WebEx is open or half-open (answering at once), else 0',
    registers: [registry],
    collect() {
      const state = upstream.stats?.().circuit ?? 'closed';
      this.set(state === 'closed' ? 0 : 1);
    },
  });
  return {
    registry,
    upstream,
    launches: new Counter({
      name: 'webex_sso_launches_total',
      help: 'Join WebEx launches by outcome code (OK or the failure code) and WebEx site',
      labelNames: ['outcome', 'site'],
      registers: [registry],
    }),
    launchDuration: new Histogram({
      name: 'webex_sso_launch_duration_seconds',
      help: 'Time from Join to the login URL or the failure',
      labelNames: ['result'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    launchCredentials: new Counter({
      name: 'webex_sso_launch_credentials_total',
      help: 'How launches got the host credential: password, session tickets (new = cache miss, cached = hit, renewed), access tokens',
      labelNames: ['credential'],
      registers: [registry],
    }),
    webexCalls: new Histogram({
      name: 'webex_sso_webex_call_duration_seconds',
      help: 'Calls to WebEx (XML API calls, REST calls) by call and outcome code',
      labelNames: ['call', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    auditEvents: new Counter({
      name: 'webex_sso_audit_events_total',
      help: 'Audited events (launches, imports, admin changes, checks) by action and outcome',
      labelNames: ['action', 'outcome'],
      registers: [registry],
    }),
    meetingLists: new Counter({
      name: 'webex_sso_meeting_lists_total',
      help: "Home-page lists of an employee's meetings: fetched from WebEx, served from memory (cached), or the failure code",
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}

const processMetrics = processSlot<PortalMetrics>('metrics');

/** This process's metrics. */
export function metrics(): PortalMetrics {
  return processMetrics.getOrCreate(createMetrics);
}
