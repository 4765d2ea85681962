// The end-of-run check: every case that was accepted exists exactly once in Postgres and in Temporal, every
// timeline runs 1..n with no duplicate event, and every case is in the state its accepted steps imply.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { statusQuery, workflowIdFor } from '../../workflows/messages';
import { DEMO_USERS } from '../../db/seed-data';
import type { CaseRecord, Step } from './clients';

export interface Verdict {
  accepted: number;
  lost: string[];
  duplicated: string[];
  timelines: string[];
  states: string[];
  rejected: string[];
}

export const failures = (v: Verdict) =>
  v.lost.length + v.duplicated.length + v.timelines.length + v.states.length + v.rejected.length;

const STATUS_AFTER: Record<Step | 'none', string> = {
  none: 'dispatched',
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  evaluate: 'closed',
};
const EVENT_OF: Record<Step, string> = { acknowledge: 'acknowledged', resolve: 'resolved', evaluate: 'evaluated' };

/** The statuses a case may be in: after its last accepted step, or after the uncertain one. */
function allowedStatuses(rec: CaseRecord): string[] {
  const last = rec.accepted[rec.accepted.length - 1] ?? 'none';
  return rec.uncertain ? [STATUS_AFTER[last], STATUS_AFTER[rec.uncertain]] : [STATUS_AFTER[last]];
}

async function pooled<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]);
    }),
  );
}

export async function verify(pool: Pool, temporal: Client, records: CaseRecord[]): Promise<Verdict> {
  const v: Verdict = {
    accepted: 0,
    lost: [],
    duplicated: [],
    timelines: [],
    states: [],
    rejected: records.filter((r) => r.rejected).map((r) => `#${r.index}: ${r.rejected}`),
  };
  const keys = records.map((r) => `${DEMO_USERS.resident3}:${r.intakeKey}`);
  const rows = await pool.query<{
    id: string;
    intake_key: string;
    status: string;
    last_seq: number;
    workflow_started: boolean;
  }>('SELECT id, intake_key, status, last_seq, workflow_started FROM cases WHERE intake_key = ANY($1)', [keys]);
  const byKey = new Map<string, typeof rows.rows>();
  for (const r of rows.rows) byKey.set(r.intake_key, [...(byKey.get(r.intake_key) ?? []), r]);
  for (const [key, list] of byKey) if (list.length > 1) v.duplicated.push(`${key}: ${list.length} rows`);
  for (const r of rows.rows) if (!r.workflow_started) v.lost.push(`${r.id}: row without a started workflow`);

  const accepted = records.filter((r) => r.caseId);
  v.accepted = accepted.length;
  await pooled(accepted, 8, async (rec) => {
    const row = byKey.get(`${DEMO_USERS.resident3}:${rec.intakeKey}`)?.find((r) => r.id === rec.caseId);
    if (!row) return void v.lost.push(`#${rec.index} ${rec.caseId}: accepted but not in Postgres`);
    const events = (
      await pool.query<{ seq: number; type: string }>(
        'SELECT seq, type FROM case_events WHERE case_id = $1 ORDER BY seq',
        [row.id],
      )
    ).rows;
    const problem = timelineProblem(rec, events, row.last_seq);
    if (problem) v.timelines.push(`#${rec.index} ${row.id}: ${problem}`);
    if (!allowedStatuses(rec).includes(row.status))
      v.states.push(
        `#${rec.index} ${row.id}: Postgres says ${row.status}, accepted steps imply ${allowedStatuses(rec).join(' or ')}`,
      );
    const inTemporal = await temporalState(temporal, row.id, row.status);
    if (inTemporal === null) v.lost.push(`#${rec.index} ${row.id}: accepted but no workflow in Temporal`);
    else if (inTemporal !== row.status)
      v.states.push(`#${rec.index} ${row.id}: Temporal says ${inTemporal}, Postgres ${row.status}`);
  });
  const inTemporal = await temporal.workflow.count(`WorkflowType = 'caseWorkflow'`).then(
    (c) => c.count,
    () => null,
  );
  const total = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0].n;
  if (inTemporal !== null && inTemporal !== total)
    v.duplicated.push(`Temporal holds ${inTemporal} case workflows for ${total} case rows`);
  return v;
}

function timelineProblem(rec: CaseRecord, events: { seq: number; type: string }[], lastSeq: number): string | null {
  const seqs = events.map((e) => e.seq);
  if (seqs.some((s, i) => s !== i + 1)) return `seqs ${seqs.join(',')} are not 1..${seqs.length}`;
  if (lastSeq !== seqs.length) return `projection at seq ${lastSeq}, timeline has ${seqs.length}`;
  const count = (type: string) => events.filter((e) => e.type === type).length;
  if (count('submitted') !== 1 || count('dispatched') !== 1)
    return `submitted ×${count('submitted')}, dispatched ×${count('dispatched')}`;
  for (const step of ['acknowledge', 'resolve', 'evaluate'] as Step[]) {
    const n = count(EVENT_OF[step]);
    const expected = rec.accepted.includes(step) ? [1] : rec.uncertain === step ? [0, 1] : [0];
    if (!expected.includes(n)) return `${EVENT_OF[step]} ×${n}, expected ${expected.join(' or ')}`;
  }
  return null;
}

/** The status the workflow holds (a query), 'closed' for a completed one, null if there is no such workflow. */
async function temporalState(temporal: Client, caseId: string, projected: string): Promise<string | null> {
  const handle = temporal.workflow.getHandle(workflowIdFor(caseId));
  const d = await handle.describe().catch(() => null);
  if (!d) return null;
  if (d.status.name === 'COMPLETED') return 'closed';
  if (d.status.name !== 'RUNNING') return `workflow ${d.status.name}`;
  if (projected === 'closed') return 'running';
  return (await handle.query(statusQuery)).status;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The servers are back; give the workers and the reconciler time to catch up, checking until all is well. */
export async function converge(
  pool: Pool,
  client: Client,
  records: CaseRecord[],
  timeoutMs: number,
  log: (line: string) => void,
): Promise<Verdict> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await verify(pool, client, records).catch((err: Error) => ({
      accepted: 0,
      lost: [`check failed: ${err.message}`],
      duplicated: [],
      timelines: [],
      states: [],
      rejected: [],
    }));
    if (failures(v) === 0 || Date.now() > until) return v;
    log(
      `waiting for the system to catch up: ${failures(v)} open findings (e.g. ${[...v.lost, ...v.duplicated, ...v.timelines, ...v.states][0] ?? v.rejected[0]})`,
    );
    await sleep(5_000);
  }
}

/**
 * A check that cannot fail proves nothing: plant a case that was "accepted" but never filed, and a real case whose
 * record forgets its accepted steps, and require the checker to flag both.
 */
export async function selfTest(
  pool: Pool,
  client: Client,
  records: CaseRecord[],
): Promise<{ ok: boolean; message: string }> {
  const real = records.find((r) => r.caseId && r.accepted.length > 0 && !r.uncertain);
  // A run that accepted nothing proves nothing, and leaves the checker itself untried: it fails.
  if (!real) return { ok: false, message: 'could not run: no case was accepted without doubt' };
  const planted: CaseRecord[] = [
    {
      index: -1,
      intakeKey: `planted-${randomUUID()}`,
      plan: 1,
      started: true,
      caseId: randomUUID(),
      accepted: ['acknowledge'],
      uncertain: null,
      rejected: null,
    },
    { ...real, index: -2, accepted: [] },
  ];
  const v = await verify(pool, client, planted);
  const ok = v.lost.length >= 1 && v.states.length >= 1;
  return {
    ok,
    message: ok
      ? 'flagged both planted faults'
      : `MISSED a planted fault (lost ${v.lost.length}, wrong states ${v.states.length})`,
  };
}
