/** /api/metrics: off without METRICS_TOKEN, bearer-protected with it, Prometheus text with bounded labels. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { testEnvironment } from '@/lib/testing/config';
import { metrics } from '@/lib/metrics';

const TOKEN = 'metrics-test-token-0123456789';
const ENV = testEnvironment({
  NEXTAUTH_SECRET: 'metrics-test-secret-0123456789abcdef',
  CREDENTIAL_KEYS: '1:metrics-test-key-0123456789abcdef01',
  LOG_LEVEL: 'silent',
});

async function get(env: Record<string, string>, authorization?: string): Promise<Response> {
  vi.resetModules();
  for (const key of ['METRICS_TOKEN']) delete process.env[key];
  Object.assign(process.env, ENV, env);
  const { GET } = await import('./route');
  return GET(new Request('http://localhost:3000/api/metrics', { headers: authorization ? { authorization } : {} }));
}

describe('GET /api/metrics', () => {
  beforeEach(() => {
    metrics().launches.reset();
  });

  it('is off (404) without METRICS_TOKEN', async () => {
    expect((await get({})).status).toBe(404);
  });

  it('refuses a missing or wrong bearer token with 401', async () => {
    expect((await get({ METRICS_TOKEN: TOKEN })).status).toBe(401);
    expect((await get({ METRICS_TOKEN: TOKEN }, `Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await get({ METRICS_TOKEN: TOKEN }, TOKEN)).status).toBe(401);
  });

  it('answers Prometheus text: launches by outcome, process metrics, and no label that names a person', async () => {
    metrics().launches.inc({ outcome: 'OK' });
    metrics().launches.inc({ outcome: 'WEBEX_TIMEOUT' });
    const response = await get({ METRICS_TOKEN: TOKEN }, `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('webex_sso_launches_total{outcome="OK"} 1');
    expect(text).toContain('webex_sso_launches_total{outcome="WEBEX_TIMEOUT"} 1');
    expect(text).toMatch(/webex_sso_process_resident_memory_bytes \d+/);
    expect(text).toMatch(/webex_sso_nodejs_eventloop_lag_p99_seconds [\d.e-]+/);
    expect(text).toContain('webex_sso_circuit_open');
    expect(text).not.toMatch(/="[^"]*@[^"]*"/);
  });
});
