import type { ReactNode } from 'react';
import { requireAdmin } from '@/lib/server';
import { getConfig } from '@/lib/config';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Navigation only: every admin page, route and action checks the role again itself.
  await requireAdmin('read');
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label="Administration">
        <a href="/admin/dashboard">Dashboard</a>
        <a href="/admin">Settings</a>
        <a href="/admin/mappings">Mappings</a>
        <a href="/admin/mappings/import">Import</a>
        {getConfig().hostCredentials.mode === 'oauth' && <a href="/admin/connections">Connections</a>}
        <a href="/admin/audit">Audit log</a>
      </nav>
      {children}
    </div>
  );
}
