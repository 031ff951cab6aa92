import { MappingForm } from '../../_components/mapping-form';
import { WEBEX_ID_RULE } from '@/lib/mappings';
import { requireAdmin } from '@/lib/server';
import { getConfig, storesPasswords } from '@/lib/config';

export const dynamic = 'force-dynamic';

export default async function NewMappingPage({ searchParams }: { searchParams: Promise<{ email?: string }> }) {
  await requireAdmin('read');
  const { email } = await searchParams;
  return (
    <section className="card">
      <h1>New mapping</h1>
      <MappingForm
        initial={{ email: typeof email === 'string' ? email : '', site: '', webexId: '', displayName: '', hasCredential: false }}
        webexIdRule={WEBEX_ID_RULE}
        passwords={storesPasswords(getConfig())}
        sites={getConfig().sites.map(({ siteName, displayName }) => ({ siteName, displayName }))}
      />
    </section>
  );
}
