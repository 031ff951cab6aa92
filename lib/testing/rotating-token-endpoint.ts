import { HostCredentialError, type TokenSet } from '../credentials';

/**
 * For tests, network off: a token endpoint with rotation, as strict as a careful server. A refresh
 * token works once; presenting a spent one revokes the grant (so does `revoke()`, as a Control Hub
 * admin would); every refresh takes `latencyMs`, so concurrent refreshers overlap.
 */
export function rotatingTokenEndpoint(latencyMs = 30) {
  let generation = 0;
  let current = 'rt-0';
  let revoked = false;
  const spent = new Set<string>();
  let refreshes = 0;
  const client = {
    async refresh(refreshToken: string): Promise<TokenSet> {
      refreshes += 1;
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      if (spent.has(refreshToken)) revoked = true;
      if (revoked || refreshToken !== current) throw new HostCredentialError('WEBEX_RECONNECT_NEEDED', 'invalid_grant');
      spent.add(refreshToken);
      generation += 1;
      current = `rt-${generation}`;
      return { accessToken: `at-${generation}`, refreshToken: current, expiresIn: 3600, refreshExpiresIn: undefined };
    },
    revoke: async (_token: string) => true,
  };
  return {
    client,
    refreshes: () => refreshes,
    revoked: () => revoked,
    revoke: () => {
      revoked = true;
    },
    /** the grant as first issued: `rt-0` is the refresh token the endpoint expects first */
    initial: { accessToken: 'at-0', refreshToken: 'rt-0', expiresIn: 3600, refreshExpiresIn: 86_400 } satisfies TokenSet,
  };
}
