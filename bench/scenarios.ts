// What the bench measures, each against its bare baseline on the same servers: intake, the full loop, status
// reads. Timers and growth are in growth.ts.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { DEMO_PASSWORD } from '../db/seed-data';
import { BENCH_METRICS_TOKEN, compare, Http, runOps } from './load';
import { judged, type Result } from './report';
import type { BenchStack } from './stack';

export interface BenchContext {
  stack: BenchStack;
  api: Http;
  bare: Http;
  /** Bearer headers of the lakeview resident who files and evaluates, and of lakeview's property company. */
  resident: Record<string, string>;
  handler: Record<string, string>;
  concurrency: number;
  rounds: number;
  log: (line: string) => void;
}

export async function benchContext(
  stack: BenchStack,
  concurrency: number,
  rounds: number,
  log: (line: string) => void,
): Promise<BenchContext> {
  const api = new Http(stack.apiOrigin, concurrency);
  const bare = new Http(stack.bareOrigin, concurrency);
  const login = async (username: string) => {
    const body = await api.expect(200, 'POST', '/api/v1/auth/login', { body: { username, password: DEMO_PASSWORD } });
    return { authorization: `Bearer ${body.token as string}` };
  };
  return {
    stack,
    api,
    bare,
    resident: await login('resident3'),
    handler: await login('handler2'),
    concurrency,
    rounds,
    log,
  };
}

/** A lakeview case: its deadlines run in days, so no timer fires while the bench runs. */
export const intakeBody = (i: number) => ({
  categoryCode: 'repairs',
  compoundCode: 'lakeview',
  location: { building: String(1 + (i % 20)), unit: '1', room: '101' },
  description: `楼道灯坏了一个星期，晚上看不见路 (bench ${i})`,
});

/** Cases filed whose intake events are not yet seen in Postgres, and the latest workflows started (see settle). */
const unsettled = new Set<string>();
const latest: string[] = [];
// More than a round's concurrency: the workflows whose first tasks could still be running when the backlog is empty.
const LATEST = 24;
const started = (workflowId: string): void => {
  latest.push(workflowId);
  if (latest.length > LATEST) latest.shift();
};
export const track = (caseId: string): string => {
  unsettled.add(caseId);
  started(`case-${caseId}`);
  return caseId;
};
/** A bare workflow started: settle waits for its first task as for a case's, so the baseline's own work is never
 * left over for the round after it (which would count it, and be slowed by it). */
export const trackBare = (id: string): string => {
  started(`bench-${id}`);
  return id;
};

/** temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW */
const WORKFLOW_TASKS = 1;

/**
 * Waits until every case filed so far is settled, so that what a round left behind is not the next one's cost:
 * its row holds its intake events (looked up by primary key, so the check costs the same at 50k cases), and the
 * worker has run its first workflow task. Intake writes the events with the row, so the second half is what takes
 * time: the task queue's workflow backlog is empty and none of the latest workflows started — cases or the
 * baseline's bare ones, which were queued last — still has a task pending or running. (The backlog count alone
 * is not enough: tasks already handed to the worker, and waiting there for its workflow thread, are not in it.)
 */
export async function settle(
  stack: Pick<BenchStack, 'pool' | 'temporal' | 'taskQueue'>,
  timeoutMs = 120_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  while (unsettled.size > 0) {
    const { rows } = await stack.pool.query<{ id: string }>(
      'SELECT id FROM cases WHERE id = ANY($1::uuid[]) AND last_seq >= 2',
      [[...unsettled]],
    );
    for (const r of rows) unsettled.delete(r.id);
    if (unsettled.size === 0) break;
    if (Date.now() > until)
      throw new Error(`${unsettled.size} cases still without their intake events after ${timeoutMs} ms`);
    await wait(unsettled.size > 200 ? 1_000 : 100);
  }
  const backlog = async () => {
    const r = await stack.temporal.workflowService.describeTaskQueue({
      namespace: stack.temporal.options.namespace,
      taskQueue: { name: stack.taskQueue },
      taskQueueType: WORKFLOW_TASKS,
      reportStats: true,
    });
    return Number(r.stats?.approximateBacklogCount ?? 0);
  };
  const pending = async (workflowId: string) =>
    Boolean((await stack.temporal.workflow.getHandle(workflowId).describe()).raw.pendingWorkflowTask);
  // Cheap checks first (one RPC per poll), so the polling itself costs the servers little CPU: it is metered too.
  for (;;) {
    const queued = await backlog();
    if (queued === 0) break;
    if (Date.now() > until)
      throw new Error(`the worker has not caught up after ${timeoutMs} ms (${queued} workflow tasks queued)`);
    await wait(queued > 100 ? 1_000 : 100);
  }
  let busy = [...latest];
  while (busy.length > 0) {
    const still = await Promise.all(busy.map(pending));
    busy = busy.filter((_, i) => still[i]);
    if (busy.length === 0) return;
    if (Date.now() > until)
      throw new Error(
        `the worker has not caught up after ${timeoutMs} ms (${busy.length} recent cases with a task pending)`,
      );
    await wait(100);
  }
}

export function fileOverHttp(ctx: BenchContext, ids?: string[]) {
  return async (i: number) => {
    const body = await ctx.api.expect(201, 'POST', '/api/v1/cases', {
      body: intakeBody(i),
      headers: { ...ctx.resident, 'idempotency-key': randomUUID() },
    });
    ids?.push(track(body.caseId as string));
  };
}

export const startBare = (ctx: BenchContext) => async () => {
  const { id } = (await ctx.bare.expect(200, 'POST', '/bare/start', { body: { kind: 'empty' } })) as { id: string };
  trackBare(id);
};

export async function warmUp(ctx: BenchContext, ops: number): Promise<void> {
  await runOps(ops, ctx.concurrency, startBare(ctx));
  await runOps(ops, ctx.concurrency, fileOverHttp(ctx));
  await runOps(ops, ctx.concurrency, readBare(ctx, [await firstCase(ctx.stack.pool)]));
  await settle(ctx.stack);
}

async function firstCase(pool: Pool): Promise<string> {
  return (await pool.query<{ id: string }>('SELECT id FROM cases LIMIT 1')).rows[0].id;
}

export async function intake(ctx: BenchContext, ops: number, suffix = ''): Promise<{ rows: Result[]; ids: string[] }> {
  const ids: string[] = [];
  const c = await compare({
    ops,
    concurrency: ctx.concurrency,
    rounds: ctx.rounds,
    baseline: startBare(ctx),
    subject: fileOverHttp(ctx, ids),
    settle: () => settle(ctx.stack),
    meter: ctx.stack.cpu,
  });
  const rows = judged(`baseline: start empty workflow + INSERT${suffix}`, `intake: POST /cases${suffix}`, c, {
    throughput: 0.8,
    p99: 2,
  });
  return { rows, ids };
}

export async function fullLoop(ctx: BenchContext, ops: number): Promise<Result[]> {
  const { api, bare, resident, handler } = ctx;
  const baseline = async () => {
    const { id } = (await bare.expect(200, 'POST', '/bare/start', { body: { kind: 'loop' } })) as { id: string };
    for (let step = 0; step < 3; step++) await bare.expect(200, 'POST', `/bare/${id}/step`);
  };
  const subject = async (i: number) => {
    const { caseId } = (await api.expect(201, 'POST', '/api/v1/cases', {
      body: intakeBody(i),
      headers: { ...resident, 'idempotency-key': randomUUID() },
    })) as { caseId: string };
    track(caseId);
    const act = (who: Record<string, string>, action: string, body?: unknown) =>
      api.expect(200, 'POST', `/api/v1/cases/${caseId}/${action}`, {
        body,
        headers: { ...who, 'idempotency-key': randomUUID() },
      });
    await act(handler, 'acknowledge');
    await act(handler, 'resolve', { summary: '已更换灯泡' });
    const last = await act(resident, 'evaluate', { satisfaction: 'satisfied', solved: true });
    if (last.status !== 'closed')
      throw new Error(`case ${caseId} is ${String(last.status)} after evaluation, not closed`);
  };
  const c = await compare({
    ops,
    concurrency: ctx.concurrency,
    rounds: ctx.rounds,
    baseline,
    subject,
    settle: () => settle(ctx.stack),
    meter: ctx.stack.cpu,
  });
  return judged('baseline: start + 3 Updates, bare workflow', 'full loop: intake→ack→resolve→evaluate→closed', c, {
    throughput: 0.6,
  });
}

function readBare(ctx: BenchContext, ids: string[]) {
  return async (i: number) => {
    await ctx.bare.expect(200, 'GET', `/bare/cases/${ids[i % ids.length]}`);
  };
}

export async function reads(ctx: BenchContext, ids: string[], ops: number, suffix = ''): Promise<Result[]> {
  const subject = async (i: number) => {
    await ctx.api.expect(200, 'GET', `/api/v1/cases/${ids[i % ids.length]}`, { headers: ctx.resident });
  };
  const before = await caseCacheReads(ctx);
  const c = await compare({
    ops,
    concurrency: ctx.concurrency,
    rounds: ctx.rounds,
    baseline: readBare(ctx, ids),
    subject,
    meter: ctx.stack.cpu,
  });
  const after = await caseCacheReads(ctx);
  const hits = after.hit - before.hit;
  const all = hits + after.miss - before.miss;
  const [base, read] = judged(`baseline: bare route, PK SELECT${suffix}`, `read: GET /cases/:id${suffix}`, c, {
    throughput: 0.9,
  });
  // How many reads memory answered: the first read of each case goes to Postgres (the cache is db/case-cache.ts).
  return [base, all > 0 ? { ...read, cache_hit_rate: Math.round((hits / all) * 100) / 100 } : read];
}

/** The API's case cache counters, from its /metrics. */
async function caseCacheReads(ctx: BenchContext): Promise<{ hit: number; miss: number }> {
  const res = await ctx.api.requestText('GET', '/metrics', { authorization: `Bearer ${BENCH_METRICS_TOKEN}` });
  const count = (result: string) =>
    Number(
      new RegExp(`^redsteward_cache_reads\\{section="caseDetails",result="${result}"\\} (\\d+)$`, 'm').exec(res)?.[1] ??
        0,
    );
  return { hit: count('hit'), miss: count('miss') };
}
