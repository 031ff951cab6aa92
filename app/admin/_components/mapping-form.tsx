'use client';

import { useActionState, useState } from 'react';
import { saveMappingAction, type FormState } from '../_lib/actions';

type CredentialChoice = 'keep' | 'replace' | 'clear';

export interface MappingFormValues {
  id?: number;
  version?: number;
  email: string;
  /** the WebEx site's name; '' the default site */
  site: string;
  webexId: string;
  displayName: string;
  hasCredential: boolean;
}

function Field({ name, label, hint, errors, children }: { name: string; label: string; hint?: string; errors?: string[]; children: React.ReactNode }) {
  return (
    <div className="field" data-invalid={errors?.length ? 'true' : undefined}>
      <label htmlFor={name}>{label}</label>
      {children}
      {hint && <span className="hint">{hint}</span>}
      {errors?.map((e) => (
        <span key={e} className="error" id={`${name}-error`}>
          {e}
        </span>
      ))}
    </div>
  );
}

/** Create or edit one mapping. The server validates with the same schema and answers inline. */
/** `webexIdRule`: what a WebEx ID may be (lib/mappings WEBEX_ID_RULE), passed in so this client form bundles nothing of lib/. */
export function MappingForm({
  initial,
  webexIdRule,
  passwords = true,
  sites,
}: {
  initial: MappingFormValues;
  webexIdRule: string;
  /** false outside password mode */ passwords?: boolean;
  /** the company's WebEx sites, the default first; with one, the form names none */
  sites: readonly { siteName: string; displayName: string }[];
}) {
  const [state, save, pending] = useActionState<FormState, FormData>(saveMappingAction, {});
  const [credential, setCredential] = useState<CredentialChoice>(initial.hasCredential || !passwords ? 'keep' : 'replace');
  const errors = state.fieldErrors ?? {};
  // React resets a form after its action: refill it with what the admin typed, not the stored values.
  const value = (name: 'email' | 'site' | 'webexId' | 'displayName') => state.values?.[name] ?? initial[name];
  const options: [CredentialChoice, string][] = !passwords
    ? [
        ['keep', 'Keep'],
        ['clear', 'Clear (not used in this credential mode)'],
      ]
    : initial.hasCredential
      ? [
          ['keep', 'Keep'],
          ['replace', 'Replace'],
          ['clear', 'Clear'],
        ]
      : [
          ['replace', 'Set'],
          ['keep', 'Leave not set'],
        ];
  return (
    <form action={save} noValidate>
      {state.message && (
        <p className={state.ok ? 'notice' : 'error'} role="alert">
          {state.message}
        </p>
      )}
      {initial.id !== undefined && <input type="hidden" name="id" value={initial.id} />}
      {initial.version !== undefined && <input type="hidden" name="version" value={initial.version} />}
      <Field name="email" label="Portal e-mail" hint="Unique; compared without regard to case." errors={errors.email}>
        <input id="email" name="email" type="email" defaultValue={value('email')} required />
      </Field>
      {sites.length > 1 && (
        <Field name="site" label="WebEx site" hint="The site this WebEx ID is on; an employee may have one mapping per site." errors={errors.site}>
          <select id="site" name="site" defaultValue={value('site') || sites[0]?.siteName}>
            {sites.map((site) => (
              <option key={site.siteName} value={site.siteName}>
                {site.displayName}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field
        name="webexId"
        label="WebEx ID"
        hint={`The host's WebEx user name: ${webexIdRule}.${initial.hasCredential ? ' A new WebEx ID clears the stored password, unless you set a new one below.' : ''}`}
        errors={errors.webexId}
      >
        <input id="webexId" name="webexId" defaultValue={value('webexId')} required maxLength={64} />
      </Field>
      <Field name="displayName" label="Display name" hint="Optional, for finding people." errors={errors.displayName}>
        <input id="displayName" name="displayName" defaultValue={value('displayName')} maxLength={200} />
      </Field>
      {!passwords && !initial.hasCredential ? (
        <p className="muted" data-testid="credential-status">
          No WebEx password: this portal signs hosts in through SSO or their own WebEx authorisation.
        </p>
      ) : (
        <fieldset>
          <legend>
            WebEx password: <strong data-testid="credential-status">{initial.hasCredential ? 'set' : 'not set'}</strong>
          </legend>
          {options.map(([value, label]) => (
            <label key={value} style={{ marginRight: '1rem' }}>
              <input type="radio" name="credential" value={value} checked={credential === value} onChange={() => setCredential(value)} /> {label}
            </label>
          ))}
          {credential === 'replace' && (
            <Field name="password" label="New WebEx password" hint="Write-only: stored sealed, never shown again." errors={errors.password}>
              <input id="password" name="password" type="password" autoComplete="new-password" />
            </Field>
          )}
        </fieldset>
      )}
      <button type="submit" disabled={pending}>
        {pending ? 'Saving…' : 'Save'}
      </button>
    </form>
  );
}
