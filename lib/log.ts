import pino from 'pino';

/**
 * The one logger. Redaction is the safety net, not the plan: callers log codes and ids,
 * never credentials, tickets or login URLs.
 */
export const log = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: 'webex-sso' },
  redact: {
    paths: ['password', 'ticket', 'credential', 'location', 'url', 'cookie', '*.password', '*.ticket', '*.credential', '*.location', '*.cookie', 'headers.authorization'],
    censor: '[redacted]',
  },
});
