import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Company portal · WebEx',
  description: 'Join WebEx with your company account',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="top">
          <a href="/" className="brand">Company portal</a>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
