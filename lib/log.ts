import pino from 'pino';
import pretty from 'pino-pretty';

/**
 * The one logger: JSON lines on stdout (LOG_FORMAT=json, the default), or readable lines for a
 * person at a terminal (LOG_FORMAT=pretty). The fields are documented in the README ("Logs").
 * Redaction is the safety net, not the plan: callers log codes and ids, never credentials,
 * tickets, tokens, login URLs or meeting links.
 */
const options: pino.LoggerOptions = {
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: 'webex-sso' },
  redact: {
    paths: [
      'password',
      'ticket',
      'credential',
      'location',
      'url',
      'cookie',
      'token',
      'accessToken',
      'refreshToken',
      'startLink',
      'joinLink',
      '*.password',
      '*.ticket',
      '*.credential',
      '*.location',
      '*.cookie',
      '*.token',
      '*.accessToken',
      '*.refreshToken',
      '*.startLink',
      '*.joinLink',
      'headers.authorization',
    ],
    censor: '[redacted]',
  },
};

export const log = process.env.LOG_FORMAT === 'pretty' ? pino(options, pretty({ colorize: process.stdout.isTTY, sync: true })) : pino(options);
