import { describe, expect, it } from 'vitest';
import { codeForExceptionId, toWebexError, WebexError } from './errors';

describe('toWebexError', () => {
  it('keeps a WebexError as it is', () => {
    const original = new WebexError('WEBEX_EMPTY_TICKET', 'x');
    expect(toWebexError(original)).toBe(original);
  });

  it.each([
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'WEBEX_TIMEOUT'],
    [new DOMException('This operation was aborted', 'AbortError'), 'WEBEX_TIMEOUT'],
    [new TypeError('fetch failed', { cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } }), 'WEBEX_TIMEOUT'],
    [new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }), 'WEBEX_UNREACHABLE'],
    [new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } }), 'WEBEX_UNREACHABLE'],
    [new TypeError('fetch failed', { cause: new Error('other side closed') }), 'WEBEX_UNREACHABLE'],
  ])('%s → %s', (err, code) => {
    const mapped = toWebexError(err);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(err);
  });
});

describe('codeForExceptionId', () => {
  it('maps known IDs, tolerates whitespace and falls back to WEBEX_REFUSED', () => {
    expect(codeForExceptionId(' 030002 ')).toBe('WEBEX_BAD_CREDENTIALS');
    expect(codeForExceptionId('060019')).toBe('WEBEX_USER_NOT_FOUND');
    expect(codeForExceptionId('999999')).toBe('WEBEX_REFUSED');
    expect(codeForExceptionId(undefined)).toBe('WEBEX_REFUSED');
  });
});
