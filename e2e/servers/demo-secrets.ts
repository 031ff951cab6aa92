import { randomBytes } from 'node:crypto';

/**
 * The demo's secrets, new on every start and printed nowhere: nobody can forge a session cookie or
 * open a sealed credential of a demo they did not start. NEXTAUTH_SECRET from the environment wins
 * (the bench encodes session cookies with it).
 */
export interface DemoSecrets {
  nextAuthSecret: string;
  clientSecret: string;
  /** the portal's Meetings OAuth integration at the simulator */
  oauthClientSecret: string;
  /** the company's Service App at the simulated REST API (rest and auto modes) */
  serviceAppClientSecret: string;
  secretKeys: Record<string, string>;
}

function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function generateDemoSecrets(env: Record<string, string | undefined> = process.env): DemoSecrets {
  return {
    nextAuthSecret: env.NEXTAUTH_SECRET || randomSecret(),
    clientSecret: randomSecret(),
    oauthClientSecret: randomSecret(),
    serviceAppClientSecret: randomSecret(),
    secretKeys: { '1': randomSecret() },
  };
}
