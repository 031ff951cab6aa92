import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database';
import { resolveWebexAccount } from './resolve';
import { deriveWebexId, describeRule, type MappingRule } from './rules';
import { upsertMapping } from './store';

const user = { email: 'Jane.Doe@Example.com', mappingClaim: 'JDoe' };

describe('deriveWebexId', () => {
  const cases: [string, MappingRule, string | undefined][] = [
    ['none', { kind: 'none' }, undefined],
    ['email', { kind: 'email', lowercase: false }, 'Jane.Doe@Example.com'],
    ['email, lower-cased', { kind: 'email', lowercase: true }, 'jane.doe@example.com'],
    ['email-local-part', { kind: 'email-local-part', lowercase: false }, 'Jane.Doe'],
    ['email-local-part, lower-cased', { kind: 'email-local-part', lowercase: true }, 'jane.doe'],
    ['claim', { kind: 'claim', claim: 'webex_id', lowercase: false }, 'JDoe'],
    ['claim, lower-cased', { kind: 'claim', claim: 'webex_id', lowercase: true }, 'jdoe'],
  ];
  it.each(cases)('%s → %s', (_name, rule, expected) => {
    expect(deriveWebexId(rule, user)).toBe(expected);
  });

  it('takes the local part before the last @', () => {
    expect(deriveWebexId({ kind: 'email-local-part', lowercase: false }, { email: '"a@b"@example.com' })).toBeUndefined(); // quote is not a WebEx ID character
    expect(deriveWebexId({ kind: 'email-local-part', lowercase: false }, { email: 'a@b@example.com' })).toBe('a@b');
  });

  it.each<[string, MappingRule, { email: string; mappingClaim?: string }]>([
    ['a claim that is missing', { kind: 'claim', claim: 'webex_id', lowercase: false }, { email: 'a@example.com' }],
    ['a claim that is empty', { kind: 'claim', claim: 'webex_id', lowercase: true }, { email: 'a@example.com', mappingClaim: '' }],
    ['a claim with a space', { kind: 'claim', claim: 'webex_id', lowercase: false }, { email: 'a@example.com', mappingClaim: 'jane doe' }],
    ['a claim of 65 characters', { kind: 'claim', claim: 'webex_id', lowercase: false }, { email: 'a@example.com', mappingClaim: 'a'.repeat(65) }],
    ['a claim starting with =', { kind: 'claim', claim: 'webex_id', lowercase: false }, { email: 'a@example.com', mappingClaim: '=cmd' }],
    ['a claim with markup', { kind: 'claim', claim: 'webex_id', lowercase: true }, { email: 'a@example.com', mappingClaim: '<b>x</b>' }],
    ['an e-mail without @ (no local part)', { kind: 'email-local-part', lowercase: false }, { email: 'nobody' }],
    ['a local part starting with a dot', { kind: 'email-local-part', lowercase: false }, { email: '.x@example.com' }],
    ['a local part with non-ASCII', { kind: 'email-local-part', lowercase: true }, { email: 'josé@example.com' }],
    ['an e-mail longer than 64', { kind: 'email', lowercase: true }, { email: `${'a'.repeat(60)}@example.com` }],
  ])('gives no ID for %s', (_name, rule, input) => {
    expect(deriveWebexId(rule, input)).toBeUndefined();
  });

  it('accepts exactly 64 characters from a claim', () => {
    expect(deriveWebexId({ kind: 'claim', claim: 'x', lowercase: false }, { email: 'a@example.com', mappingClaim: 'B'.repeat(64) })).toBe('B'.repeat(64));
  });
});

describe('describeRule', () => {
  it('names the claim, and says when the value is lower-cased', () => {
    expect(describeRule({ kind: 'claim', claim: 'employee_webex', lowercase: false })).toBe(`WebEx ID = the identity provider's "employee_webex" claim.`);
    expect(describeRule({ kind: 'claim', claim: 'preferred_username', lowercase: true })).toBe(
      `WebEx ID = the identity provider's "preferred_username" claim, lower-cased.`,
    );
  });

  it.each<[MappingRule, string]>([
    [{ kind: 'none' }, 'No automatic rule: only explicit mappings link users to WebEx.'],
    [{ kind: 'email', lowercase: false }, 'WebEx ID = the portal e-mail.'],
    [{ kind: 'email', lowercase: true }, 'WebEx ID = the portal e-mail, lower-cased.'],
    [{ kind: 'email-local-part', lowercase: false }, 'WebEx ID = the part of the portal e-mail before the @.'],
    [{ kind: 'email-local-part', lowercase: true }, 'WebEx ID = the part of the portal e-mail before the @, lower-cased.'],
  ])('describes %j', (rule, text) => {
    expect(describeRule(rule)).toBe(text);
  });
});

describe('resolveWebexAccount', () => {
  let store: TempDatabase;
  const localPart: MappingRule = { kind: 'email-local-part', lowercase: true };

  beforeAll(async () => {
    store = await openTempDatabase('rules');
    await upsertMapping(store.db, { email: 'mapped@example.com', webexId: 'explicit-host', sealedCredential: 'sealed-value' });
    await upsertMapping(store.db, { email: 'nocred@example.com', webexId: 'other-host' });
  });

  afterAll(async () => {
    await store.remove();
  });

  it('prefers the explicit mapping over the rule, whatever the e-mail case', async () => {
    expect(await resolveWebexAccount(store.db, { email: ' Mapped@EXAMPLE.com ' }, localPart)).toEqual({
      source: 'mapping',
      webexId: 'explicit-host',
      sealedCredential: 'sealed-value',
      site: '',
    });
  });

  it('reports a mapping without credential as null credential', async () => {
    expect(await resolveWebexAccount(store.db, { email: 'nocred@example.com' }, { kind: 'none' })).toEqual({
      source: 'mapping',
      webexId: 'other-host',
      sealedCredential: null,
      site: '',
    });
  });

  it('falls back to the rule, which never carries a credential', async () => {
    expect(await resolveWebexAccount(store.db, { email: 'Unmapped.User@example.com' }, localPart)).toEqual({
      source: 'rule',
      webexId: 'unmapped.user',
      sealedCredential: null,
      site: '',
    });
    expect(await resolveWebexAccount(store.db, { email: 'x@example.com', mappingClaim: 'Host7' }, { kind: 'claim', claim: 'wx', lowercase: false })).toEqual({
      source: 'rule',
      webexId: 'Host7',
      sealedCredential: null,
      site: '',
    });
  });

  it('gives undefined when neither a mapping nor the rule applies', async () => {
    expect(await resolveWebexAccount(store.db, { email: 'unmapped@example.com' }, { kind: 'none' })).toBeUndefined();
    expect(await resolveWebexAccount(store.db, { email: 'unmapped@example.com' }, { kind: 'claim', claim: 'wx', lowercase: false })).toBeUndefined();
  });
});
