import { describe, expect, it } from 'vitest';
import { chooseSite, describeSiteRule, parseSiteRules, type SiteRule } from './site-rules';

const rules: SiteRule[] = [
  { kind: 'domain', domain: 'eu.acme.com', site: 'acme-eu' },
  { kind: 'group', group: 'training', site: 'acme-training' },
  { kind: 'group', group: 'emea', site: 'acme-eu' },
];

describe('chooseSite', () => {
  it('first match wins, then the default site', () => {
    expect(chooseSite(rules, { email: 'ana@EU.acme.com', groups: ['training'] })).toEqual({ site: 'acme-eu', rule: rules[0] });
    expect(chooseSite(rules, { email: 'bob@acme.com', groups: ['emea', 'training'] })).toEqual({ site: 'acme-training', rule: rules[1] });
    expect(chooseSite(rules, { email: 'bob@acme.com' })).toEqual({ site: '' });
    expect(chooseSite([], { email: 'ana@eu.acme.com' })).toEqual({ site: '' });
  });

  it('a domain rule takes that domain only, not its parent or a look-alike', () => {
    expect(chooseSite(rules, { email: 'carl@acme.com' }).site).toBe('');
    expect(chooseSite(rules, { email: 'carl@evil-eu.acme.com' }).site).toBe('');
    expect(chooseSite(rules, { email: 'carl@x.eu.acme.com' }).site).toBe('');
    expect(chooseSite(rules, { email: 'eu.acme.com' }).site).toBe('');
  });

  it('a group rule matches the group exactly (case counts, as the identity provider states it)', () => {
    expect(chooseSite(rules, { email: 'd@acme.com', groups: ['EMEA'] }).site).toBe('');
  });
});

describe('parseSiteRules', () => {
  const known = (name: string) => (name === 'acme' ? '' : ['acme-eu', 'acme-training'].includes(name) ? name : undefined);

  it('reads domain and group rules to configured sites', () => {
    expect(parseSiteRules(' domain:eu.acme.com=acme-eu ,group:Training Staff=ACME-TRAINING,, domain:acme.com=acme', known)).toEqual([
      { kind: 'domain', domain: 'eu.acme.com', site: 'acme-eu' },
      { kind: 'group', group: 'Training Staff', site: 'acme-training' },
      { kind: 'domain', domain: 'acme.com', site: '' },
    ]);
    expect(parseSiteRules('', known)).toEqual([]);
  });

  it('names the entry that is wrong', () => {
    expect(parseSiteRules('domain:eu.acme.com=acme-eu,domain:=acme-eu', known)).toMatch(/^entry 2 \("domain:=acme-eu"\) must look like/);
    expect(parseSiteRules('domain:not a domain=acme-eu', known)).toMatch(/^entry 1 .*is not an e-mail domain/);
    expect(parseSiteRules('group:x=acme-apac', known)).toMatch(/names the site "acme-apac", which is not/);
    expect(parseSiteRules('user:ana=acme-eu', known)).toMatch(/must look like domain:/);
  });

  it('describes the rule that chose a site, for "Test a mapping"', () => {
    expect(describeSiteRule(rules[0], 'acme-eu')).toBe('Site rule "e-mail domain eu.acme.com" chose acme-eu.');
    expect(describeSiteRule(undefined, 'acme')).toBe('No site rule matched: the default site, acme.');
  });
});
