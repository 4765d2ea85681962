// The escalation ladder over HTTP: a resident files demo-fast cases nobody answers (its deadlines run in seconds),
// and each must climb community → street → reported → forwarded to the department's Party organisation, every
// rung once, on the timers the server keeps across its restart and whichever worker runs them.
import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { DEMO_USERS } from '../../db/seed-data';
import { statusQuery, workflowIdFor } from '../../workflows/messages';
import type { ChaosClient } from '../chaos/clients';

export interface LadderCase {
  index: number;
  key: string;
  caseId: string | null;
  problem: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RUNGS = ['escalated', 'reported', 'forwarded'];

/** resident1 files in their own household's compound, demo-fast; a lift case is dispatched to its property company. */
export async function fileLadderCases(client: ChaosClient, runId: string, count: number): Promise<LadderCase[]> {
  const cases: LadderCase[] = Array.from({ length: count }, (_, index) => ({
    index,
    key: `ladder-${runId}-${index}`,
    caseId: null,
    problem: null,
  }));
  for (const c of cases) {
    const body = {
      categoryCode: 'lift',
      compoundCode: 'demo-fast',
      location: { building: '1', unit: '1', room: '101' },
      description: `电梯停在三楼 (production ${runId} #${c.index})`,
    };
    const res = await client.send('POST', '/api/v1/cases', body, client.as('resident1', c.key));
    if (res && (res.status === 201 || res.status === 200)) c.caseId = res.body.caseId as string;
    else c.problem = `intake answered ${res ? `${res.status} ${JSON.stringify(res.body)}` : 'nothing'}`;
  }
  return cases;
}

/** What is wrong with one ladder case now, or null when it stands on the top rung having climbed each rung once. */
async function ladderProblem(pool: Pool, temporal: Client, client: ChaosClient, c: LadderCase): Promise<string | null> {
  if (c.problem) return c.problem;
  const rows = await pool.query<{ id: string; level: string; status: string; last_seq: number }>(
    'SELECT id, level, status, last_seq FROM cases WHERE intake_key = $1',
    [`${DEMO_USERS.resident1}:${c.key}`],
  );
  if (rows.rows.length !== 1) return `${rows.rows.length} case rows for one intake`;
  const row = rows.rows[0];
  if (row.level !== 'functional_department') return `at ${row.level}, not yet on the top rung`;
  // Read through the APIs (in turn), as the resident sees it.
  const view = await client.send('GET', `/api/v1/cases/${row.id}`, undefined, client.as('resident1'));
  if (view?.status !== 200) return `GET answered ${view?.status ?? 'nothing'}`;
  const timeline = view.body.timeline as { seq: number; type: string }[];
  if (timeline.some((e, i) => e.seq !== i + 1) || timeline.length !== row.last_seq)
    return `timeline seqs ${timeline.map((e) => e.seq).join(',')}, projection at ${row.last_seq}`;
  const counts = RUNGS.map((rung) => timeline.filter((e) => e.type === rung).length);
  if (counts.some((n) => n !== 1)) return `rungs ${RUNGS.map((r, i) => `${r} ×${counts[i]}`).join(', ')}`;
  const at = RUNGS.map((rung) => timeline.findIndex((e) => e.type === rung));
  if (!(at[0] < at[1] && at[1] + 1 === at[2])) return `rungs out of order: ${timeline.map((e) => e.type).join(',')}`;
  const handle = temporal.workflow.getHandle(workflowIdFor(row.id));
  const state = await handle.query(statusQuery).catch((err: Error) => err);
  if (state instanceof Error) return `workflow query failed: ${state.message}`;
  if (state.level !== row.level || state.status !== row.status)
    return `Temporal holds ${state.status}/${state.level}, Postgres ${row.status}/${row.level}`;
  return null;
}

/** Waits until every ladder case is on the top rung (or the time is up), then gives each case's remaining problem. */
export async function awaitLadder(
  pool: Pool,
  temporal: Client,
  client: ChaosClient,
  cases: LadderCase[],
  timeoutMs: number,
  log: (line: string) => void,
): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const problems: string[] = [];
    for (const c of cases) {
      const p = await ladderProblem(pool, temporal, client, c).catch((err: Error) => `check failed: ${err.message}`);
      if (p) problems.push(`ladder #${c.index} ${c.caseId ?? ''}: ${p}`);
    }
    if (problems.length === 0 || Date.now() > until) return problems;
    log(
      `escalation ladder: ${cases.length - problems.length} of ${cases.length} cases on the top rung (e.g. ${problems[0]})`,
    );
    await sleep(5_000);
  }
}
