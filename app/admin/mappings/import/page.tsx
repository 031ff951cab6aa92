import { ImportForm } from '../../_components/import-form';
import { WaitingPreviews } from '../../_components/waiting-previews';
import { getDb, requireAdmin } from '@/lib/server';
import { getConfig } from '@/lib/config';
import { csvColumnsFor, formatBytes, listWaitingPreviews } from '@/lib/mappings';

export const dynamic = 'force-dynamic';

export default async function ImportPage() {
  const admin = await requireAdmin('read');
  const waiting = await listWaitingPreviews((await getDb()).db, admin.email);
  const { importMaxBytes, sites } = getConfig();
  return (
    <section className="card">
      <h1>Import mappings</h1>
      <p>
        A CSV file with a header line <code>{csvColumnsFor(sites).join(',')}</code> (display_name optional), UTF-8, at most {formatBytes(importMaxBytes)}.
        {sites.length > 1
          ? ` The site column (optional) names a WebEx site: ${sites.map((s) => s.siteName).join(', ')}; empty is ${sites[0]?.siteName}. Rows are matched by e-mail and site: new ones are created, known ones updated.`
          : ' Rows are matched by e-mail: new e-mails are created, known ones updated.'}{' '}
        Stored WebEx passwords are kept, except where the file gives a mapping another WebEx ID: that password was the old account&apos;s and is cleared. CSV
        files never carry credentials.
      </p>
      <p className="muted">Nothing changes until you apply the preview, and then every row is applied in one transaction or none is.</p>
      <ImportForm />
      {waiting.length > 0 && <WaitingPreviews previews={waiting} />}
    </section>
  );
}
