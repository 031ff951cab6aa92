import { ImportForm } from './import-form';
import { requireAdmin } from '@/lib/auth';
import { getConfig } from '@/lib/config';
import { CSV_COLUMNS, formatBytes } from '@/lib/mappings/import';

export const dynamic = 'force-dynamic';

export default async function ImportPage() {
  await requireAdmin('read');
  return (
    <section className="card">
      <h1>Import mappings</h1>
      <p>
        A CSV file with a header line <code>{CSV_COLUMNS.join(',')}</code> (display_name optional), UTF-8, at most{' '}
        {formatBytes(getConfig().importMaxBytes)}. Rows are matched by e-mail: new e-mails are created, known ones updated. Stored WebEx
        passwords are kept; CSV files never carry credentials.
      </p>
      <p className="muted">Nothing changes until you apply the preview, and then every row is applied in one transaction or none is.</p>
      <ImportForm />
    </section>
  );
}
