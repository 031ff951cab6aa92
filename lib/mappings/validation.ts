import { z } from 'zod';
import { normalizeEmail } from '../identity';

/**
 * WebEx IDs we accept: 1–64 characters, letters, digits and . _ @ + - , starting with a letter
 * or digit. That covers user names and e-mail-style IDs (CI sites), and keeps out whitespace,
 * markup, quotes, URL syntax and spreadsheet formula prefixes.
 */
export const WEBEX_ID_RULE = '1–64 characters: letters, digits and . _ @ + - (starting with a letter or digit)';
const WEBEX_ID = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;
// C0/C1 control characters: never valid in a name we show and export.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

export const emailSchema = z
  .string({ error: 'Enter the portal e-mail address' })
  .transform(normalizeEmail)
  .pipe(
    z
      .string()
      .min(1, 'Enter the portal e-mail address')
      .max(254, 'An e-mail address has at most 254 characters')
      .pipe(z.email({ error: 'Enter a valid e-mail address, like name@example.com' })),
  );

export const webexIdSchema = z
  .string({ error: 'Enter the WebEx ID' })
  .trim()
  .min(1, 'Enter the WebEx ID')
  .max(64, 'A WebEx ID has at most 64 characters')
  .regex(WEBEX_ID, `A WebEx ID has ${WEBEX_ID_RULE}`);

export const displayNameSchema = z
  .string()
  .trim()
  .max(200, 'A display name has at most 200 characters')
  .refine((v) => !CONTROL.test(v), 'A display name cannot contain control characters')
  .transform((v) => (v === '' ? null : v));

/** One schema for the admin form and the server: what a mapping edit may contain. */
export const MappingFormSchema = z
  .object({
    email: emailSchema,
    webexId: webexIdSchema,
    /** the WebEx site's name (lib/mappings/sites.ts); omitted or empty: the default site */
    site: z.string().max(100, 'A WebEx site name has at most 100 characters').default(''),
    // an omitted name is an empty one (zod's .default would skip the schema's '' → null step)
    displayName: z
      .string()
      .optional()
      .transform((v) => v ?? '')
      .pipe(displayNameSchema),
    /** the credential is write-only: keep it, replace it, or clear it */
    credential: z.enum(['keep', 'replace', 'clear']).default('keep'),
    password: z.string().max(256, 'A password has at most 256 characters').optional().default(''),
    /** the version the admin's form was based on (optimistic concurrency) */
    version: z.coerce.number().int().min(1).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.credential === 'replace' && value.password.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'Enter the host\'s WebEx password, or choose "keep"' });
    }
  });

export type MappingForm = z.infer<typeof MappingFormSchema>;

/** Field → messages, for inline errors. */
export type FieldErrors = Partial<Record<string, string[]>>;

/** Reads form values against a schema: the data, or messages per field. */
export function parseForm<S extends z.ZodType>(schema: S, values: Record<string, unknown>): { data: z.infer<S> } | { fieldErrors: FieldErrors } {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { data: parsed.data };
  // A Map while collecting: a field may be named like an Object.prototype member.
  const byField = new Map<string, string[]>();
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? 'form');
    byField.set(key, [...(byField.get(key) ?? []), issue.message]);
  }
  return { fieldErrors: Object.fromEntries(byField) };
}
