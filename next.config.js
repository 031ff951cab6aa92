import process from 'node:process';

/** @type {import('next').NextConfig} */
const nextConfig = {
  // .next/standalone: server.js with only the node_modules it uses, what the container image holds
  // (scripts/standalone.ts adds the static assets, public/ and the compiled mappings CLI beside it)
  output: 'standalone',
  // trace from this folder, not from a lockfile Next might find higher up (a checkout inside another project)
  outputFileTracingRoot: import.meta.dirname,
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm test` type-checks the whole checkout with tsc before it builds (scripts/test.sh), so it skips
  // the build's second check of the same files (about 30 s); every other build (the image's) checks.
  typescript: { ignoreBuildErrors: process.env.WEBEX_SSO_TYPES_CHECKED === '1' },
  // Native and server-only modules stay out of the bundle.
  serverExternalPackages: ['better-sqlite3', 'pg', 'pino', 'pino-pretty', 'prom-client'],
  experimental: {
    // forbidden(): a real 403 page for signed-in non-admins
    authInterrupts: true,
    // CSV uploads go through a server action; the import enforces CSV_IMPORT_MAX_BYTES itself,
    // which must stay below this transport limit.
    serverActions: { bodySizeLimit: '64mb' },
    // proxy.ts makes Next buffer request bodies, by default only up to 10 MB: the CSV upload needs the same 64 MB.
    proxyClientMaxBodySize: '64mb',
  },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          // pages get their Content-Security-Policy (with a per-request script nonce) from proxy.ts
        ],
      },
      {
        // same-origin, not no-referrer: under no-referrer browsers send `Origin: null` even on
        // our own form posts. /launch sets no-referrer itself (config headers would override it),
        // so the ticket-bearing WebEx URL is never sent on as a referrer. (The POST delivery page
        // adds its own, stricter CSP to proxy.ts's, with the same nonce: a form to WebEx only.)
        source: '/:path((?!launch$).*)',
        headers: [{ key: 'Referrer-Policy', value: 'same-origin' }],
      },
    ];
  },
};

export default nextConfig;
