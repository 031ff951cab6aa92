import { randomBytes } from 'node:crypto';
import { safeEqual } from './safe-equal';

/** 24 random bytes as standard base64: 32 characters that often contain `+` and `/`. */
export function generateRandomTicket(): string {
  return randomBytes(24).toString('base64');
}

interface HostTicket {
  value: string;
  issuedAt: number;
  used: boolean;
}

export interface TicketStore {
  /**
   * The host's current ticket, as GetLoginTicket returns it [D1] (docs/webex.md §4.3): a new one only when the
   * host has none, or the last one was used, or (simulator) it expired.
   */
  currentTicket(webExID: string): string;
  /** Marks the ticket used when it is the host's current one, unused and unexpired. */
  redeem(webExID: string, ticket: string): boolean;
}

export function createTicketStore(options: { ttlMs: number; now: () => number; generate: () => string; onIssue: () => void }): TicketStore {
  const byHost = new Map<string, HostTicket>();
  const isLive = (ticket: HostTicket) => !ticket.used && options.now() - ticket.issuedAt < options.ttlMs;

  return {
    currentTicket(webExID) {
      const current = byHost.get(webExID);
      if (current && isLive(current)) return current.value;
      const fresh: HostTicket = { value: options.generate(), issuedAt: options.now(), used: false };
      byHost.set(webExID, fresh);
      options.onIssue();
      return fresh.value;
    },
    redeem(webExID, ticket) {
      const current = byHost.get(webExID);
      if (!current || !isLive(current) || !safeEqual(current.value, ticket)) return false;
      current.used = true;
      return true;
    },
  };
}
