import { randomBytes } from 'node:crypto';

interface IssuedSessionTicket {
  webExID: string;
  createTime: number;
  expiresAt: number;
}

export interface SessionTicketStore {
  /** A new session ticket for the host (AuthenticateUser), with WebEx's createTime and timeToLive. */
  issue(webExID: string): { sessionTicket: string; createTime: number; timeToLive: number };
  /** The host a live session ticket belongs to, or undefined for an unknown or expired one. */
  holder(sessionTicket: string): string | undefined;
  /** Ends every session ticket of the host now (the session-ticket-expired fault). */
  expireAll(webExID: string): void;
  /** every ticket ever issued, for leak sweeps */
  issued(): string[];
}

/**
 * Session tickets as AuthenticateUser hands them out [docs/webex.md §6.1]: an opaque string, the time it
 * was made (epoch ms) and a lifetime in seconds. Simulator's choice: 32 random bytes as base64.
 */
export function createSessionTicketStore(options: { ttlSeconds: number; now: () => number; onIssue: () => void }): SessionTicketStore {
  const tickets = new Map<string, IssuedSessionTicket>();
  return {
    issue(webExID) {
      const sessionTicket = randomBytes(32).toString('base64');
      const createTime = options.now();
      tickets.set(sessionTicket, { webExID, createTime, expiresAt: createTime + options.ttlSeconds * 1000 });
      options.onIssue();
      return { sessionTicket, createTime, timeToLive: options.ttlSeconds };
    },
    holder(sessionTicket) {
      const ticket = tickets.get(sessionTicket);
      return ticket && options.now() < ticket.expiresAt ? ticket.webExID : undefined;
    },
    expireAll(webExID) {
      for (const ticket of tickets.values()) if (ticket.webExID === webExID) ticket.expiresAt = 0;
    },
    issued() {
      return [...tickets.keys()];
    },
  };
}
