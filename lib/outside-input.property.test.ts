/**
 * Every lookup keyed by outside input (a query string's RS or code, WebEx's exceptionID, a form
 * field, an ID-token claim) answers from its own table: `__proto__`, `constructor`, `toString`
 * and random strings give a known code or the fallback, never an inherited property or a throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { firstOf } from '../app/_lib/search-params';
import { MAPPING_SORTS, parseForm } from './mappings';
import { describeLaunchFailure, describeLoginFailure } from './launch';
import {
  codeForExceptionId,
  codeForLoginFailure,
  knownLoginFailureReason,
  LOGIN_FAILURE_CODES,
  parseGetLoginTicketResponse,
  WEBEX_ERROR_CODES,
  WebexError,
} from './webex';
import { claimOf } from './identity';
import { dayWindow, parseTimeZone } from './meetings';

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype', 'isPrototypeOf'];
const hostile = fc.oneof(
  fc.constantFrom(...PROTOTYPE_KEYS, ...PROTOTYPE_KEYS.map((k) => ` ${k.toUpperCase()} `)),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
);
const RUNS = { numRuns: 300 };

const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('lookups keyed by outside input', () => {
  it('the tz cookie → a zone the runtime knows, or nothing; never a throw', () => {
    const known = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
    fc.assert(
      fc.property(
        fc.oneof(hostile, fc.constantFrom(...known), fc.constantFrom('Etc/UTC', 'Asia/Kolkata', 'Europe/Kyiv', 'Europe/Berlin;', '../UTC')),
        (value) => {
          const zone = parseTimeZone(value);
          if (zone === undefined) return;
          // what it accepts works as a zone: the day there can be computed
          expect(zone).toBe(value);
          expect(dayWindow(Date.UTC(2026, 9, 25, 12), zone, 8).end).toBeGreaterThan(Date.UTC(2026, 9, 25, 12));
        },
      ),
      RUNS,
    );
    expect(parseTimeZone('__proto__')).toBeUndefined();
  });

  it('RS from the return URL → a login failure code', () => {
    fc.assert(
      fc.property(hostile, (rs) => {
        expect(LOGIN_FAILURE_CODES).toContain(codeForLoginFailure(rs));
        // the name the return page shows is ours, and only for a reason with a code of its own
        const reason = knownLoginFailureReason(rs);
        expect(reason === undefined || (reason.toLowerCase() === rs.trim().toLowerCase() && codeForLoginFailure(rs) !== 'LOGIN_UNKNOWN')).toBe(true);
      }),
      RUNS,
    );
    expect(codeForLoginFailure('__proto__')).toBe('LOGIN_UNKNOWN');
    expect(knownLoginFailureReason('__proto__')).toBeUndefined();
  });

  it("WebEx's exceptionID → an error code, also when it arrives inside a FAILURE answer", () => {
    fc.assert(
      fc.property(hostile, (id) => {
        expect(WEBEX_ERROR_CODES).toContain(codeForExceptionId(id));
        const xml = `<serv:message xmlns:serv="http://www.webex.com/schemas/2002/06/service"><serv:header><serv:response><serv:result>FAILURE</serv:result><serv:exceptionID>${escapeXml(id)}</serv:exceptionID></serv:response></serv:header><serv:body><serv:bodyContent/></serv:body></serv:message>`;
        let thrown: unknown;
        try {
          parseGetLoginTicketResponse(xml);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(WebexError);
        expect(WEBEX_ERROR_CODES).toContain((thrown as WebexError).code);
      }),
      RUNS,
    );
    expect(codeForExceptionId('constructor')).toBe('WEBEX_REFUSED');
  });

  it('the pages an employee sees: every RS and every ?code= gets a text', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        for (const problem of [describeLoginFailure(value, 'help'), describeLaunchFailure(value, 'help')]) {
          expect(typeof problem.title).toBe('string');
          expect(problem.next).not.toContain('{support}');
        }
      }),
      RUNS,
    );
    expect(describeLoginFailure('__proto__', 'help').code).toBe('LOGIN_UNKNOWN');
    expect(describeLaunchFailure('toString', 'help').code).toBe('WEBEX_REFUSED');
  });

  it('form errors for a field named like an Object.prototype member', () => {
    const schema = z.object({ constructor: z.string().min(1, 'needed'), toString: z.string().min(1, 'needed') });
    const result = parseForm(
      schema,
      Object.fromEntries([
        ['constructor', ''],
        ['toString', ''],
      ]),
    );
    expect(result).toEqual({ fieldErrors: { constructor: ['needed'], toString: ['needed'] } });
  });

  it('sort keys and other choices from a query string', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const sort = firstOf(value, MAPPING_SORTS, 'email');
        expect(MAPPING_SORTS).toContain(sort);
        expect(sort === value || sort === 'email').toBe(true);
      }),
      RUNS,
    );
  });

  it("ID-token claims: only the token's own claims count", () => {
    fc.assert(
      fc.property(hostile, (name) => {
        const value = claimOf({}, name);
        expect(value).toBeUndefined();
        expect(claimOf({ [name]: 'x' }, name)).toBe('x');
      }),
      RUNS,
    );
  });
});
