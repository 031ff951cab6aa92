import { describe, expect, it } from 'vitest';
import { displayNameSchema, emailSchema, MappingFormSchema, parseForm, webexIdSchema } from './validation';

/** The messages a schema gives for a value, or [] when it accepts it. */
function messages(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }, value: unknown): string[] {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : (parsed.error?.issues.map((i) => i.message) ?? []);
}

describe('webexIdSchema', () => {
  const max = 'a'.repeat(64);

  it.each([
    ['a single letter', 'a'],
    ['a single digit', '7'],
    ['64 characters', max],
    ['dot, underscore, at, plus, dash', 'j.doe_x@acme+meet-1'],
    ['an e-mail-style ID', 'Jane.Doe@example.com'],
    ['upper case kept', 'ALICE'],
  ])('accepts %s', (_name, id) => {
    expect(webexIdSchema.parse(id)).toBe(id);
  });

  it('trims surrounding whitespace before checking', () => {
    expect(webexIdSchema.parse('  alice\t')).toBe('alice');
  });

  it.each([
    ['65 characters', `${max}a`, 'at most 64'],
    ['empty', '', 'Enter the WebEx ID'],
    ['only spaces', '   ', 'Enter the WebEx ID'],
    ['an inner space', 'jane doe', 'starting with a letter or digit'],
    ['a double quote', 'ja"ne', 'starting with a letter or digit'],
    ['a single quote', "o'brien", 'starting with a letter or digit'],
    ['markup', '<script>', 'starting with a letter or digit'],
    ['a < inside', 'a<b', 'starting with a letter or digit'],
    ['a leading dash', '-alice', 'starting with a letter or digit'],
    ['a leading equals sign', '=cmd', 'starting with a letter or digit'],
    ['a leading dot', '.alice', 'starting with a letter or digit'],
    ['a leading plus', '+alice', 'starting with a letter or digit'],
    ['a leading at', '@alice', 'starting with a letter or digit'],
    ['a NUL', 'ali\u0000ce', 'starting with a letter or digit'],
    ['an inner tab', 'ali\tce', 'starting with a letter or digit'],
    ['an inner newline', 'ali\nce', 'starting with a letter or digit'],
    ['DEL', 'ali\u007fce', 'starting with a letter or digit'],
    ['a C1 control', 'ali\u0085ce', 'starting with a letter or digit'],
    ['an accented letter', 'josé', 'starting with a letter or digit'],
    ['a non-Latin script', 'алиса', 'starting with a letter or digit'],
    ['a full-width digit', '１alice', 'starting with a letter or digit'],
    ['URL syntax', 'a/b?c#d', 'starting with a letter or digit'],
  ])('refuses %s', (_name, id, message) => {
    const found = messages(webexIdSchema, id);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toContain(message);
  });

  it('refuses a non-string with the "enter" message', () => {
    expect(messages(webexIdSchema, undefined)).toEqual(['Enter the WebEx ID']);
  });
});

describe('emailSchema', () => {
  it.each([
    ['Alice@Example.COM', 'alice@example.com'],
    ['  bob@example.com  ', 'bob@example.com'],
    ['\tCarol.Smith+tag@Sub.Example.org\n', 'carol.smith+tag@sub.example.org'],
  ])('normalises %j to %j', (input, expected) => {
    expect(emailSchema.parse(input)).toBe(expected);
  });

  it.each([
    ['no @', 'alice.example.com'],
    ['no domain', 'alice@'],
    ['no local part', '@example.com'],
    ['a space inside', 'al ice@example.com'],
    ['two @', 'a@b@example.com'],
  ])('refuses %s with the "valid e-mail" message', (_name, input) => {
    expect(messages(emailSchema, input)).toEqual(['Enter a valid e-mail address, like name@example.com']);
  });

  it('refuses an empty or blank value with the "enter" message', () => {
    expect(messages(emailSchema, '')[0]).toBe('Enter the portal e-mail address');
    expect(messages(emailSchema, '   ')[0]).toBe('Enter the portal e-mail address');
    expect(messages(emailSchema, undefined)).toEqual(['Enter the portal e-mail address']);
  });

  it('accepts 254 characters and refuses 255', () => {
    const address = (first: number) => `${'a'.repeat(64)}@${'b'.repeat(first)}.${'c'.repeat(61)}.${'d'.repeat(61)}.com`;
    expect(address(61)).toHaveLength(254);
    expect(emailSchema.parse(address(61))).toBe(address(61));
    expect(address(62)).toHaveLength(255);
    expect(messages(emailSchema, address(62))).toContain('An e-mail address has at most 254 characters');
  });
});

describe('displayNameSchema', () => {
  it.each([
    ['', null],
    ['   ', null],
    ['  Jane Doe ', 'Jane Doe'],
    ['Émile Zola', 'Émile Zola'],
    ["=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"],
  ])('maps %j to %j', (input, expected) => {
    expect(displayNameSchema.parse(input)).toBe(expected);
  });

  it.each([
    ['a newline', 'Jane\nDoe'],
    ['a carriage return', 'Jane\rDoe'],
    ['a tab', 'Jane\tDoe'],
    ['a NUL', 'Jane\u0000'],
    ['an escape', '\u001b[31mred'],
    ['DEL', 'Jane\u007f'],
    ['a C1 control', 'Jane\u009bDoe'],
  ])('refuses %s', (_name, input) => {
    expect(messages(displayNameSchema, input)).toEqual(['A display name cannot contain control characters']);
  });

  it('refuses more than 200 characters, after trimming', () => {
    expect(displayNameSchema.parse(` ${'x'.repeat(200)} `)).toHaveLength(200);
    expect(messages(displayNameSchema, 'x'.repeat(201))).toContain('A display name has at most 200 characters');
  });
});

describe('MappingFormSchema and parseForm', () => {
  const valid = { email: ' Jane@Example.com ', webexId: 'jane', displayName: ' Jane ', credential: 'keep', password: '', version: '3' };

  it('parses a valid form, normalising the e-mail and coercing the version', () => {
    expect(parseForm(MappingFormSchema, valid)).toEqual({
      data: { email: 'jane@example.com', site: '', webexId: 'jane', displayName: 'Jane', credential: 'keep', password: '', version: 3 },
    });
  });

  it('defaults credential to keep and leaves version out', () => {
    const result = parseForm(MappingFormSchema, { email: 'a@example.com', webexId: 'a', displayName: '' });
    expect(result).toEqual({ data: { email: 'a@example.com', site: '', webexId: 'a', displayName: null, credential: 'keep', password: '' } });
  });

  // Regression: zod 4's .default('') short-circuited the display-name transform, so an omitted
  // displayName came out as '' instead of null (saveMapping then stores '' in the database).
  it('treats an omitted display name like an empty one (null)', () => {
    const result = parseForm(MappingFormSchema, { email: 'a@example.com', webexId: 'a' });
    expect(result).toMatchObject({ data: { displayName: null } });
  });

  it('asks for the password when the credential is replaced without one', () => {
    expect(parseForm(MappingFormSchema, { ...valid, credential: 'replace', password: '' })).toEqual({
      fieldErrors: { password: ['Enter the host\'s WebEx password, or choose "keep"'] },
    });
    expect(parseForm(MappingFormSchema, { ...valid, credential: 'replace', password: 's3cret' })).toMatchObject({
      data: { credential: 'replace', password: 's3cret' },
    });
  });

  it.each(['keep', 'clear'])('does not ask for a password when the credential is %s', (credential) => {
    expect(parseForm(MappingFormSchema, { ...valid, credential })).toHaveProperty('data');
  });

  it('returns every problem keyed by its field', () => {
    const result = parseForm(MappingFormSchema, {
      email: 'not an e-mail',
      webexId: '-bad',
      displayName: 'a\u0000b',
      credential: 'steal',
      password: 'x'.repeat(257),
      version: '0',
    });
    expect('fieldErrors' in result).toBe(true);
    if (!('fieldErrors' in result)) return;
    expect(Object.keys(result.fieldErrors).sort()).toEqual(['credential', 'displayName', 'email', 'password', 'version', 'webexId']);
    expect(result.fieldErrors.email).toEqual(['Enter a valid e-mail address, like name@example.com']);
    expect(result.fieldErrors.webexId?.[0]).toContain('starting with a letter or digit');
    expect(result.fieldErrors.displayName).toEqual(['A display name cannot contain control characters']);
    expect(result.fieldErrors.password).toEqual(['A password has at most 256 characters']);
  });

  it('reports missing required fields under their names', () => {
    const result = parseForm(MappingFormSchema, {});
    expect(result).toEqual({ fieldErrors: { email: ['Enter the portal e-mail address'], webexId: ['Enter the WebEx ID'] } });
  });
});
