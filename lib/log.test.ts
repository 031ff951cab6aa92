/** The log's two formats, as an operator's process sees them on stdout. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function logLine(env: Record<string, string>): string {
  const script =
    "import { log } from './lib/log'; log.info({ requestId: 'r-1', actor: 'alice@example.com', outcome: 'OK', durationMs: 12, password: 'pw', joinLink: 'https://acme.webex.com/j?integrationJoinToken=T', links: { startLink: 'S' }, refreshToken: 'rt' }, 'launch');";
  const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', '--eval', script], {
    cwd: join(import.meta.dirname, '..'),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    encoding: 'utf8',
  });
  return result.stdout.trim();
}

describe('log', { timeout: 30_000 }, () => {
  it('writes one JSON object per line by default, with the documented fields and secrets redacted', () => {
    const line = JSON.parse(logLine({}));
    expect(line).toMatchObject({
      level: 30,
      service: 'webex-sso',
      requestId: 'r-1',
      outcome: 'OK',
      durationMs: 12,
      msg: 'launch',
      password: '[redacted]',
      joinLink: '[redacted]',
      links: { startLink: '[redacted]' },
      refreshToken: '[redacted]',
    });
    expect(typeof line.time).toBe('number');
  });

  it('writes readable lines for a person with LOG_FORMAT=pretty', () => {
    const text = logLine({ LOG_FORMAT: 'pretty' });
    expect(text).toMatch(/INFO.*launch/);
    expect(() => JSON.parse(text)).toThrow();
    expect(text).not.toContain('"pw"');
  });
});
