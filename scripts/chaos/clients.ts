// Clients driving cases through the loop over HTTP while servers die under them. Every request carries an
// Idempotency-Key chosen once; anything without a definite answer (a 5xx, a reset connection, a timeout) is sent
// again with the same key until it gets one. What each case was told is recorded for the final check.
import { Agent, request } from 'undici';
import { DEMO_PASSWORD } from '../../db/seed-data';

export type Step = 'acknowledge' | 'resolve' | 'evaluate';
export const STEPS: Step[] = ['acknowledge', 'resolve', 'evaluate'];

export interface CaseRecord {
  index: number;
  intakeKey: string;
  /** How far this case is meant to go: 0 = filed only … 3 = evaluated and closed. */
  plan: number;
  /** Whether a client began it (a time-bounded run may not reach every case). */
  started: boolean;
  caseId: string | null;
  /** Steps answered 2xx, in order. */
  accepted: Step[];
  /** A step sent, answered only with 5xx or nothing, and then refused or abandoned: it may or may not have happened. */
  uncertain: Step | null;
  /** An answer no retry explains (e.g. a 404 for a case that was accepted): reported as a failure. */
  rejected: string | null;
}

export interface ClientStats {
  requests: number;
  retries: number;
}

const agent = new Agent({ connections: 64, headersTimeout: 30_000, bodyTimeout: 30_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export class ChaosClient {
  readonly stats: ClientStats = { requests: 0, retries: 0 };
  private tokens = new Map<string, string>();
  private readonly origins: string[];
  private turn = 0;
  /** `origin`: one API, or several that serve the same system, taken in turn request by request (retries included). */
  constructor(
    origin: string | string[],
    private readonly runId: string,
    private readonly giveUpAt: number,
  ) {
    this.origins = Array.isArray(origin) ? origin : [origin];
  }

  /** Sends until a definite answer (2xx or 4xx); null if none came before the run's deadline. */
  async send(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<Answer | null> {
    for (let attempt = 0; Date.now() < this.giveUpAt; attempt++) {
      if (attempt > 0) {
        this.stats.retries++;
        await sleep(Math.min(250 * 2 ** Math.min(attempt, 4), 4_000));
      }
      this.stats.requests++;
      try {
        const origin = this.origins[this.turn++ % this.origins.length];
        const payload =
          method === 'GET'
            ? {}
            : { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body ?? {}) };
        const res = await request(`${origin}${path}`, { method, dispatcher: agent, headers, ...payload });
        const text = await res.body.text();
        if (res.statusCode < 500)
          return { status: res.statusCode, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
      } catch {
        // no answer: send it again
      }
    }
    return null;
  }

  async signIn(username: string): Promise<void> {
    const res = await this.send('POST', '/api/v1/auth/login', { username, password: DEMO_PASSWORD }, {});
    if (res?.status !== 200) throw new Error(`sign-in of ${username} failed: ${JSON.stringify(res)}`);
    this.tokens.set(username, `Bearer ${res.body.token as string}`);
  }

  as(username: string, key?: string): Record<string, string> {
    return { authorization: this.tokens.get(username) ?? '', ...(key ? { 'idempotency-key': key } : {}) };
  }

  /** Files case `index` and takes it through its planned steps, recording every answer. */
  async drive(rec: CaseRecord): Promise<void> {
    const filed = await this.send(
      'POST',
      '/api/v1/cases',
      intakeBody(rec.index, this.runId),
      this.as('resident3', rec.intakeKey),
    );
    if (!filed) return;
    if (filed.status !== 201 && filed.status !== 200) {
      rec.rejected = `intake answered ${filed.status} ${JSON.stringify(filed.body)}`;
      return;
    }
    rec.caseId = filed.body.caseId as string;
    for (const step of STEPS.slice(0, rec.plan)) {
      const who = step === 'evaluate' ? 'resident3' : 'handler2';
      const body =
        step === 'resolve'
          ? { summary: '已更换灯泡' }
          : step === 'evaluate'
            ? { satisfaction: 'satisfied', solved: true }
            : {};
      const res = await this.send(
        'POST',
        `/api/v1/cases/${rec.caseId}/${step}`,
        body,
        this.as(who, `${rec.intakeKey}-${step}`),
      );
      if (res?.status === 200) {
        rec.accepted.push(step);
        continue;
      }
      // A retried evaluation whose first attempt closed the case meets a completed workflow: 409 "closed".
      if (!res || (res.status === 409 && step === 'evaluate')) rec.uncertain = step;
      else rec.rejected = `${step} answered ${res.status} ${JSON.stringify(res.body)}`;
      return;
    }
  }
}

export function intakeBody(index: number, runId: string) {
  return {
    categoryCode: 'repairs',
    compoundCode: 'lakeview',
    location: { building: String(1 + (index % 20)), unit: '1', room: '101' },
    description: `楼道灯不亮 (chaos ${runId} #${index})`,
  };
}

/** Runs `drive` for each record with `concurrency` lanes, starting at most `rate` cases a second, none after `stopStartingAt`. */
export async function driveAll(
  client: ChaosClient,
  records: CaseRecord[],
  o: { concurrency: number; rate: number; stopStartingAt: number },
): Promise<number> {
  let next = 0;
  let started = 0;
  const t0 = Date.now();
  const lane = async () => {
    for (let i = next++; i < records.length; i = next++) {
      const at = t0 + (o.rate > 0 ? (i * 1000) / o.rate : 0);
      if (at > Date.now()) await sleep(at - Date.now());
      if (Date.now() > o.stopStartingAt) return;
      started++;
      records[i].started = true;
      await client.drive(records[i]);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, lane));
  return started;
}
