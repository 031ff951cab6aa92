/** The start/join link check: only https on an allowed host (http on loopback for the simulator). */
import { describe, expect, it } from 'vitest';
import { thrownCode } from '../testing/webex-errors';
import { checkMeetingLink, DEFAULT_LINK_HOSTS, parseLinkHosts, type LinkHosts } from './link-hosts';

const hosts = parseLinkHosts(DEFAULT_LINK_HOSTS, 'acme.webex.com') as LinkHosts;
const simHosts = parseLinkHosts(DEFAULT_LINK_HOSTS, '127.0.0.1') as LinkHosts;

describe('checkMeetingLink', () => {
  it.each([
    'https://acme.webex.com/wbxmjs/joinservice/sites/acme/meeting/download/abc?integrationJoinToken=T',
    'https://convergedint.dmz.webex.com/wbxmjs/joinservice/sites/convergedint/meeting/download/b7?siteurl=convergedint',
    'https://ACME.WEBEX.COM/x',
  ])('follows %s', (link) => {
    expect(checkMeetingLink(link, hosts).href).toBe(new URL(link).href);
  });

  it.each([
    ['a foreign host', 'https://evil.example/wbxmjs/joinservice?integrationJoinToken=T'],
    ['a look-alike suffix', 'https://acme.webex.com.evil.example/x'],
    ['a look-alike without the dot', 'https://evilwebex.com/x'],
    ['the bare domain (a suffix needs a label before it)', 'https://webex.com/x'],
    ['plain http off loopback', 'http://acme.webex.com/x'],
    ['user information', 'https://acme.webex.com@evil.example/x'],
    ['credentials on an allowed host', 'https://user:pw@acme.webex.com/x'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,hi'],
    ['a relative link', '/wbxmjs/joinservice'],
    ['not a string', 42],
    ['a trailing-dot host', 'https://acme.webex.com.:443/x'],
  ])('refuses %s', (_what, link) => {
    expect(thrownCode(() => checkMeetingLink(link, hosts))).toBe('WEBEX_LINK_REFUSED');
  });

  it('allows plain http only on loopback, and only on an allowed host (the configured simulator)', () => {
    expect(checkMeetingLink('http://127.0.0.1:4520/wbxmjs/x', simHosts).hostname).toBe('127.0.0.1');
    expect(thrownCode(() => checkMeetingLink('http://localhost:4520/wbxmjs/x', simHosts))).toBe('WEBEX_LINK_REFUSED');
    expect(thrownCode(() => checkMeetingLink('http://127.0.0.1:4520/wbxmjs/x', hosts))).toBe('WEBEX_LINK_REFUSED');
  });

  it('never puts the link (its token) in the refusal', () => {
    const err = (() => {
      try {
        checkMeetingLink('https://evil.example/x?integrationJoinToken=SECRET', hosts);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err?.message).toContain('evil.example');
    expect(err?.message).not.toContain('SECRET');
  });
});

describe('parseLinkHosts', () => {
  it('adds the configured site and reads hosts and .suffixes', () => {
    expect(parseLinkHosts(' .webex.com, meet.example.com ', 'Acme.Webex.com')).toEqual({
      exact: ['acme.webex.com', 'meet.example.com'],
      suffixes: ['.webex.com'],
    });
  });

  it.each([
    ['.com', /too broad/],
    ['*.webex.com', /not a host name/],
    ['https://acme.webex.com', /not a host name/],
    ['acme.webex.com:443', /not a host name/],
    ['acme.webex.com/path', /not a host name/],
  ])('refuses %s', (value, message) => {
    expect(parseLinkHosts(value, 'acme.webex.com')).toMatch(message);
  });
});
