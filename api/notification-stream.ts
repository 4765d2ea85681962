// Live push of the in-app inbox. Postgres announces every new notice (trigger of migration 0050) and every change
// of a user's unread count (a mark-read route) on `rs_notification`; one LISTEN connection per API process hands
// each announcement to that user's open streams (Server-Sent Events, routes/notifications.ts), whichever process
// the dispatcher or the mark-read ran in.
//
// EventSource cannot send an Authorization header, so a stream opens with a ticket: POST /notifications/stream-ticket
// (with the bearer token) answers one that lasts a minute, names the user and the session, and is signed with a
// key of its own (never a JWT: it must not pass as an access token, nor an access token as it).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { listenerConfig } from '../db/notify';

export const NOTIFICATION_CHANNEL = 'rs_notification';
export const STREAM_TICKET_SECONDS = 60;

export type Announcement =
  | { kind: 'new'; userId: string; id: string; caseId: string | null; topicId?: string | null; template: string }
  | { kind: 'read'; userId: string };

type Listener = (a: Announcement) => void;

export class NotificationHub {
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly pool: Pool,
    private readonly log: (message: string) => void,
  ) {}

  /** Starts listening on first use: an API process nobody streams from holds no extra connection. */
  async subscribe(userId: string, listener: Listener): Promise<() => void> {
    await this.connect();
    const set = this.listeners.get(userId) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(userId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  get streams(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new Client({ ...listenerConfig(this.pool), application_name: 'red-steward-notifications' });
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.log(`[notifications] live push lost (${err?.message ?? 'connection ended'}); reconnecting`);
      // Streams stay open; announcements resume when the connection is back (a client's next count read catches up).
      setTimeout(() => void this.connect(), 1_000).unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (n) => {
      if (n.channel !== NOTIFICATION_CHANNEL || !n.payload) return;
      let a: Announcement;
      try {
        a = JSON.parse(n.payload) as Announcement;
      } catch {
        return;
      }
      for (const l of this.listeners.get(a.userId) ?? []) l(a);
    });
    await client.connect();
    await client.query(`LISTEN ${NOTIFICATION_CHANNEL}`);
    if (this.closed) await client.end();
    else this.client = client;
  }
}

const ticketKey = (secret: string) => createHmac('sha256', secret).update('rs-notification-stream-ticket').digest();

export interface StreamTicket {
  userId: string;
  sessionId: string;
}

/** `<payload>.<mac>`, base64url; the payload names the user, the session and the expiry (seconds). */
export function issueStreamTicket(secret: string, t: StreamTicket, nowMs = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ u: t.userId, s: t.sessionId, e: Math.floor(nowMs / 1000) + STREAM_TICKET_SECONDS }),
  ).toString('base64url');
  const mac = createHmac('sha256', ticketKey(secret)).update(payload).digest('base64url');
  return `${payload}.${mac}`;
}

/** The ticket's user and session, or null when it is forged, altered or expired. */
export function readStreamTicket(secret: string, ticket: string, nowMs = Date.now()): StreamTicket | null {
  const m = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
  if (!m) return null;
  const expected = createHmac('sha256', ticketKey(secret)).update(m[1]).digest();
  const given = Buffer.from(m[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const p = JSON.parse(Buffer.from(m[1], 'base64url').toString()) as { u?: unknown; s?: unknown; e?: unknown };
    if (typeof p.u !== 'string' || typeof p.s !== 'string' || typeof p.e !== 'number' || p.e * 1000 <= nowMs)
      return null;
    return { userId: p.u, sessionId: p.s };
  } catch {
    return null;
  }
}
