import { describe, expect, it } from 'vitest';
import { MAX_FORM_BYTES, refuseBody } from './request-limits';

const IMPORT_MAX = 32 * 1024 * 1024;
const headers = (h: Record<string, string>) => new Headers(h);

describe('request body limits', () => {
  it('lets ordinary form posts and every GET through', () => {
    expect(refuseBody('POST', '/launch', headers({ 'content-length': '120' }), IMPORT_MAX)).toBeUndefined();
    expect(refuseBody('GET', '/launch', headers({ 'content-length': '999999999' }), IMPORT_MAX)).toBeUndefined();
  });

  it('refuses a form post past 64 KiB, on any route', () => {
    for (const path of ['/launch', '/admin', '/webex/connect', '/api/auth/signin/oidc']) {
      expect(refuseBody('POST', path, headers({ 'content-length': String(MAX_FORM_BYTES + 1) }), IMPORT_MAX)).toMatch(/over 65536 bytes/);
    }
  });

  it('allows the CSV upload up to the import limit, and no further', () => {
    expect(refuseBody('POST', '/admin/mappings/import', headers({ 'content-length': String(IMPORT_MAX) }), IMPORT_MAX)).toBeUndefined();
    expect(refuseBody('POST', '/admin/mappings/import', headers({ 'content-length': String(IMPORT_MAX + 2 * 1024 * 1024) }), IMPORT_MAX)).toBeDefined();
  });

  it("gives the upload path a form's limit when no admin session grants the import's (anyone can name the path)", () => {
    expect(refuseBody('POST', '/admin/mappings/import', headers({ 'content-length': String(MAX_FORM_BYTES) }))).toBeUndefined();
    expect(refuseBody('POST', '/admin/mappings/import', headers({ 'content-length': String(MAX_FORM_BYTES + 1) }))).toMatch(/over 65536 bytes/);
    expect(refuseBody('POST', '/admin/mappings/import', headers({ 'transfer-encoding': 'chunked' }))).toBe('a request body of unknown length');
    // the allowance is the upload path's only
    expect(refuseBody('POST', '/admin/mappings', headers({ 'content-length': String(MAX_FORM_BYTES + 1) }), IMPORT_MAX)).toMatch(/over 65536 bytes/);
  });

  it('refuses a body of unknown length outside the upload, and nonsense lengths', () => {
    expect(refuseBody('POST', '/launch', headers({ 'transfer-encoding': 'chunked' }), IMPORT_MAX)).toBe('a request body of unknown length');
    expect(refuseBody('POST', '/admin/mappings/import', headers({ 'transfer-encoding': 'chunked' }), IMPORT_MAX)).toBeUndefined();
    expect(refuseBody('POST', '/launch', headers({ 'content-length': '-1' }), IMPORT_MAX)).toBe('an invalid Content-Length');
  });
});
