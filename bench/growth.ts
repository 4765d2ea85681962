// Timers and growth. Timers: N cases whose response deadlines fall due at the same instant, and how late each
// escalation is recorded. Growth: intake and reads again, and the worker's memory, with more and more open cases.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { DEMO, DEMO_USERS } from '../db/seed-data';
import { fileCase, type IntakeRequest } from '../services/intake';
import { cpuDelta, cpuFloorMs, cpuTotal, perOp, type CpuSample } from './cpu';
import { percentile, runOps, type Measured } from './load';
import type { EngineSplit, Result } from './report';
import { intake, reads, settle, track, type BenchContext } from './scenarios';
import { workflowIdFor } from '../workflows/messages';
import { bareTimerWorkflow } from './workflows';

const HOUR = 3_600_000;
/** The issue's target for a deadline: its escalation recorded within a second (p99). */
const BURST_TARGET_MS = 1000;

export const openCases = async (ctx: BenchContext): Promise<number> =>
  (await ctx.stack.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM cases WHERE status <> 'closed'")).rows[0]
    .n;

const deps = (ctx: BenchContext) => ({
  pool: ctx.stack.pool,
  temporal: ctx.stack.temporal,
  taskQueue: ctx.stack.taskQueue,
});

const FILL_BATCH = 2000;

/**
 * Files `n` lakeview cases straight through the intake service (no HTTP), in batches, each followed by waiting
 * until the worker has caught up: filing outruns the worker on two cores, and an unbounded backlog would measure
 * the backlog. The rate returned is end to end (filed and projected).
 */
export async function fill(
  ctx: BenchContext,
  n: number,
): Promise<{ filed: number; seconds: number; errors: number; firstError: string | null }> {
  const t0 = Date.now();
  let errors = 0;
  let firstError: string | null = null;
  for (let done = 0; done < n; done += FILL_BATCH) {
    const m = await fillBatch(ctx, Math.min(FILL_BATCH, n - done), done);
    errors += m.errors;
    firstError ??= m.firstError;
    await settle(ctx.stack, 600_000);
  }
  return { filed: n - errors, seconds: (Date.now() - t0) / 1000, errors, firstError };
}

async function fillBatch(ctx: BenchContext, n: number, offset: number): Promise<Measured> {
  const req = (i: number): IntakeRequest => ({
    categoryCode: 'repairs',
    compoundCode: DEMO.siblingCompound,
    location: { building: String(1 + (i % 20)), unit: '2', room: String(100 + (i % 900)) },
    description: `单元门禁失灵 (bench fill ${i})`,
    contact: { name: '居民', phone: '13800000003' },
    residentUserId: DEMO_USERS.resident3,
  });
  return runOps(
    n,
    ctx.concurrency,
    async (i) => {
      track((await fileCase(deps(ctx), req(i))).caseId);
    },
    offset,
  );
}

/**
 * N demo-fast cases whose response deadline is one hour after a common, back-dated submission time, so every one
 * falls due at the same instant `dueAt`. On the breach the case escalates and its deadline restarts at one hour,
 * so nothing else fires during the run. Lateness = recorded_at of the `breached` event − the deadline.
 */
export async function timers(ctx: BenchContext, n: number, filingRate: number): Promise<Result> {
  const { pool } = ctx.stack;
  const phase = { response: { unit: 'seconds', amount: 3600 }, resolution: { unit: 'seconds', amount: 7200 } };
  await pool.query(
    `UPDATE agreements SET terms = terms || jsonb_build_object('deadlines', $1::jsonb) WHERE compound_code = $2`,
    [JSON.stringify({ emergency: phase, utilities: phase, general: phase, complex: phase }), DEMO.compound],
  );
  const open = await openCases(ctx);
  const dueAt = Date.now() + Math.max(10_000, Math.ceil((2 * n * 1000) / Math.max(filingRate, 1)));
  const ids: string[] = [];
  const filed = await runOps(n, ctx.concurrency, async (i) => {
    const req: IntakeRequest = {
      categoryCode: 'lift',
      compoundCode: DEMO.compound,
      householdId: DEMO.resident1HouseholdId,
      location: { building: '1', unit: '1', room: '101' },
      description: `电梯停运 (bench timer ${i})`,
      contact: { name: '张三', phone: '13800000001' },
      residentUserId: DEMO_USERS.resident1,
      intakeKey: `bench-timer-${randomUUID()}`,
    };
    ids.push(track((await fileCase(deps(ctx), req, dueAt - HOUR)).caseId));
  });
  const spare = dueAt - Date.now();
  ctx.log(`  timers: ${ids.length} cases filed, all due in ${(spare / 1000).toFixed(1)} s`);
  const burst = await lateness(ctx, BREACH_LATENESS, ids, dueAt, dueAt + 120_000);
  const row = latenessRow(
    `timers: escalation lateness, ${n} due at once, ${open} open`,
    burst,
    n,
    await engineSplit(ctx, ids.map(workflowIdFor)),
  );
  return {
    ...row,
    target: `p99 lateness ≤ ${BURST_TARGET_MS} ms with 10k open cases`,
    met: filed.errors === 0 && inTime(row, n),
    open_cases: open,
    note: `${row.note}${spare < 0 ? '; filing overran the deadline' : ''}`,
  };
}

/** A burst row against the absolute target, judged on the p99 it prints: all `n` deadlines written, p99 ≤ 1 s. */
const inTime = (row: Result, n: number): boolean =>
  row.ops === n && row.p99_ms !== null && row.p99_ms <= BURST_TARGET_MS;

/**
 * A burst of ours beside the bare engine's burst of the same size: its p99 over the bare one's, and whether the bare
 * burst meets the same absolute target (judged as ours is: every deadline written, p99 ≤ 1 s).
 */
export function withBaseline(ours: Result, bare: Result, n: number): Result {
  return {
    ...ours,
    baseline: bare.name,
    p99_ratio: bare.p99_ms ? Math.round(((ours.p99_ms ?? 0) / bare.p99_ms) * 100) / 100 : undefined,
    baseline_met: inTime(bare, n),
  };
}

/**
 * The bare engine's side of a burst: `n` workflows that sleep until the same instant, then write one row from a local
 * activity (bench/workflows.ts bareTimerWorkflow) — the timer, the workflow task it wakes and a write, with nothing
 * of Red Steward's. Lateness = the row's commit time − the deadline, as for a case's breach.
 */
export async function bareTimers(ctx: BenchContext, n: number): Promise<Result> {
  const { temporal, taskQueue } = ctx.stack;
  const dueAt = Date.now() + 5_000 + n * 20;
  const ids = Array.from({ length: n }, () => randomUUID());
  const workflowId = (id: string) => `bench-timer-${id}`;
  await runOps(n, ctx.concurrency, async (i) => {
    await temporal.workflow.start(bareTimerWorkflow, {
      taskQueue,
      workflowId: workflowId(ids[i]),
      args: [{ id: ids[i], dueAt }],
    });
  });
  const burst = await lateness(ctx, BARE_TIMER_LATENESS, ids, dueAt, dueAt + 120_000);
  const open = await openCases(ctx);
  const split = await engineSplit(ctx, ids.map(workflowId));
  return {
    ...latenessRow(`baseline: bare timer + local-activity INSERT, ${n} due at once, ${open} open`, burst, n, split),
    open_cases: open,
  };
}

/** p50/p99 of a burst's lateness, with where it comes from (until the woken workflow task ran; then the write). */
function latenessRow(
  name: string,
  { parts, cpu, wallMs, maintenance }: Burst,
  n: number,
  engine: EngineSplit | null,
): Result {
  const late = parts.map((p) => p.late);
  const woke = parts.map((p) => p.woke);
  const wrote = parts.map((p) => p.late - p.woke);
  return {
    name,
    ops: late.length,
    concurrency: null,
    throughput: late.length ? Math.round(late.length / ((Math.max(...late) + 1) / 1000)) : null,
    p50_ms: Math.round(percentile(late, 50)),
    p99_ms: Math.round(percentile(late, 99)),
    baseline: null,
    ratio: null,
    target: null,
    met: null,
    ...(late.length ? { cpu_ms_per_op: perOp(cpu, late.length) } : {}),
    ...(engine ? { engine_ms: engine } : {}),
    cpu_floor_ms: cpuFloorMs(cpu, availableParallelism()),
    pg_maintenance: maintenance,
    note: `max ${Math.round(Math.max(...late))} ms; cores busy ${(cpuTotal(cpu) / Math.max(wallMs, 1)).toFixed(2)} of ${availableParallelism()} over the ${wallMs} ms until all were written; timer fired and workflow task ran: p50 ${Math.round(percentile(woke, 50))}, p99 ${Math.round(percentile(woke, 99))} ms after the deadline; written: p50 ${Math.round(percentile(wrote, 50))}, p99 ${Math.round(percentile(wrote, 99))} ms after that; throughput = writes per second after the deadline; PostgreSQL maintenance in the window: ${maintenance.length ? maintenance.join(', ') : 'none'}${late.length < n ? `; only ${late.length} of ${n} recorded` : ''}`,
  };
}

// Lateness after the deadline (ms) of each row written so far, and how much of it passed before the woken workflow
// task ran (its clock, `at` / `woke`): a case's breach, and the bare timer's row.
const BREACH_LATENESS = `SELECT extract(epoch FROM e.recorded_at) * 1000 - (e.payload->>'dueAt')::float8 AS late,
                                extract(epoch FROM e.at) * 1000 - (e.payload->>'dueAt')::float8 AS woke
                           FROM case_events e WHERE e.type = 'breached' AND e.case_id = ANY($1::uuid[])`;
const BARE_TIMER_LATENESS = `SELECT extract(epoch FROM created_at) * 1000 - (body->>'dueAt')::float8 AS late,
                                    (body->>'woke')::float8 - (body->>'dueAt')::float8 AS woke
                               FROM bench_rows WHERE id = ANY($1::uuid[])`;

/**
 * The burst as Temporal recorded it: for each workflow, its last fired timer (the deadline; the next one is an hour
 * out) and the workflow task that timer woke. It splits the lateness into the server's timer queue, the wait for a
 * worker to take the task (its workflow-task slots are all busy in a burst), and the time the worker held the task
 * (activations, the local activity's write, the completion). Null if no history shows a fired timer.
 */
async function engineSplit(ctx: BenchContext, workflowIds: string[]): Promise<EngineSplit | null> {
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
  const late: number[] = [];
  const toWorker: number[] = [];
  const inWorker: number[] = [];
  await runOps(workflowIds.length, ctx.concurrency, async (i) => {
    const events = (await ctx.stack.temporal.workflow.getHandle(workflowIds[i]).fetchHistory()).events ?? [];
    const f = events.map((e) => e.timerFiredEventAttributes != null).lastIndexOf(true);
    if (f < 0) return;
    const fired = events[f];
    const started = events.find((e) => Number(e.eventId) === Number(fired.timerFiredEventAttributes?.startedEventId));
    const taskStarted = events.slice(f).find((e) => e.workflowTaskStartedEventAttributes != null);
    const taskDone = events.slice(f).find((e) => e.workflowTaskCompletedEventAttributes != null);
    if (!started || !taskStarted || !taskDone) return;
    late.push(
      ms(fired.eventTime) - ms(started.eventTime) - ms(started.timerStartedEventAttributes?.startToFireTimeout),
    );
    toWorker.push(ms(taskStarted.eventTime) - ms(fired.eventTime));
    inWorker.push(ms(taskDone.eventTime) - ms(taskStarted.eventTime));
  });
  if (late.length === 0) return null;
  const p = (xs: number[]) => ({ p50: Math.round(percentile(xs, 50)), p99: Math.round(percentile(xs, 99)) });
  return { timer_late: p(late), to_worker: p(toWorker), in_worker: p(inWorker) };
}

interface Burst {
  parts: { late: number; woke: number }[];
  /** CPU by process from just before the deadline until every row was seen (the polls included: 1 query a 100 ms). */
  cpu: CpuSample;
  /** Wall time of that window, ms: CPU ÷ wall says how busy the two cores were. */
  wallMs: number;
  /** PostgreSQL's own maintenance seen in that window (autovacuum workers, checkpoints): empty when none. */
  maintenance: string[];
}

/** Waits for `dueAt`, then polls `sql` (one row per id written) until every id has its row or `until` passes. */
async function lateness(ctx: BenchContext, sql: string, ids: string[], dueAt: number, until: number): Promise<Burst> {
  await new Promise((r) => setTimeout(r, Math.max(0, dueAt - 50 - Date.now())));
  const t0 = Date.now();
  const c0 = ctx.stack.cpu.sample();
  const checkpoints0 = await checkpointCount(ctx);
  const vacuums = new Set<string>();
  for (;;) {
    const [{ rows }, av] = await Promise.all([
      ctx.stack.pool.query<{ late: number; woke: number }>(sql, [ids]),
      autovacuums(ctx),
    ]);
    av.forEach((v) => vacuums.add(v));
    if (rows.length >= ids.length || Date.now() > until) {
      const cpu = cpuDelta(c0, ctx.stack.cpu.sample());
      const wallMs = Date.now() - t0;
      const maintenance = [...vacuums, ...checkpointsBetween(checkpoints0, await checkpointCount(ctx))];
      return { parts: rows.map((r) => ({ late: Number(r.late), woke: Number(r.woke) })), cpu, wallMs, maintenance };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// PostgreSQL's maintenance runs when its own thresholds and timers say, and in a burst's one-second window a vacuum
// of a table of 10k cases or a checkpoint costs as much CPU as dozens of breaches: whichever side it lands on loses.
// The window reports what it saw; quietPostgres, before each pair of bursts, does that work beforehand.
async function autovacuums(ctx: BenchContext): Promise<string[]> {
  const { rows } = await ctx.stack.pool.query<{ q: string }>(
    "SELECT query AS q FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND query <> ''",
  );
  return rows.map((r) => r.q.replace(/^autovacuum:\s*/, 'autovacuum ').toLowerCase());
}

/** Checkpoints so far (PostgreSQL 17 and later: pg_stat_checkpointer); null where the view is missing. */
async function checkpointCount(ctx: BenchContext): Promise<number | null> {
  try {
    const { rows } = await ctx.stack.pool.query<{ n: string }>(
      'SELECT num_timed + num_requested AS n FROM pg_stat_checkpointer',
    );
    return Number(rows[0].n);
  } catch {
    return null;
  }
}

/** The checkpoints between two counts of `checkpointCount`, as a maintenance entry (none when none, or not countable). */
function checkpointsBetween(before: number | null, after: number | null): string[] {
  const n = before === null || after === null ? 0 : after - before;
  return n > 0 ? [`${n} checkpoint${n > 1 ? 's' : ''}`] : [];
}

/** Autovacuum and autoanalyze runs finished so far, by table, and checkpoints: a mark to compare a later one with. */
interface MaintenanceMark {
  runs: Map<string, number>;
  checkpoints: number | null;
}

async function maintenanceMark(ctx: BenchContext): Promise<MaintenanceMark> {
  const { rows } = await ctx.stack.pool.query<{ relname: string; v: number; a: number }>(
    'SELECT relname, autovacuum_count::int AS v, autoanalyze_count::int AS a FROM pg_stat_user_tables',
  );
  const runs = new Map<string, number>();
  for (const r of rows) {
    runs.set(`autovacuum ${r.relname}`, r.v);
    runs.set(`autoanalyze ${r.relname}`, r.a);
  }
  return { runs, checkpoints: await checkpointCount(ctx) };
}

/**
 * PostgreSQL's maintenance over a section of many seconds (a comparison's rounds, both sides'): the autovacuum and
 * autoanalyze runs that finished between the marks, those still running at the end, and the checkpoints.
 */
async function maintenanceSince(ctx: BenchContext, before: MaintenanceMark): Promise<string[]> {
  const after = await maintenanceMark(ctx);
  const seen = [...after.runs].filter(([k, n]) => n > (before.runs.get(k) ?? 0)).map(([k]) => k);
  const running = (await autovacuums(ctx)).map((q) => `${q} (still running)`);
  return [...seen, ...running, ...checkpointsBetween(before.checkpoints, after.checkpoints)];
}

/** A compared section's rows, the subject's carrying the maintenance PostgreSQL ran while both sides were measured. */
async function withMaintenance<T extends { rows: Result[] }>(ctx: BenchContext, section: () => Promise<T>): Promise<T> {
  const mark = await maintenanceMark(ctx);
  const out = await section();
  const maintenance = await maintenanceSince(ctx, mark);
  out.rows = out.rows.map((r, i) => (i === out.rows.length - 1 ? { ...r, pg_maintenance: maintenance } : r));
  return out;
}

/**
 * Before a pair of bursts: waits out a running autovacuum, vacuums and analyses the tables the run has written (so
 * none of them reaches autovacuum's threshold within the next minutes) and checkpoints (so the timed checkpoint is
 * five minutes away). Both sides then meet the same quiet database; neither pays for maintenance the run before
 * caused. Intake and the loop, measured over rounds of many seconds, carry their share of it as they ran.
 */
export async function quietPostgres(ctx: BenchContext): Promise<void> {
  for (const until = Date.now() + 60_000; Date.now() < until && (await autovacuums(ctx)).length > 0;)
    await new Promise((r) => setTimeout(r, 250));
  await ctx.stack.pool.query(
    'VACUUM (ANALYZE) cases, case_events, notification_outbox, accountability_records, bench_rows',
  );
  await ctx.stack.pool.query('CHECKPOINT');
}

/**
 * At each size: fill to that many open cases, then intake and reads against their baselines, and worker memory.
 * Rows go into `results` as they are measured, so a failure at 50k keeps what 1k and 10k showed.
 */
export async function growth(
  ctx: BenchContext,
  o: { sizes: number[]; intakeOps: number; readOps: number; timersAt: number; timerCases: number; filingRate: number },
  results: Result[],
): Promise<void> {
  const memory: Result[] = [];
  for (const size of o.sizes) {
    const missing = size - (await openCases(ctx));
    if (missing > 0) {
      ctx.log(`growth: filing ${missing} cases to reach ${size} open`);
      const f = await fill(ctx, missing);
      ctx.log(
        `  filled at ${Math.round(f.filed / f.seconds)} cases/s end to end${f.errors ? `, ${f.errors} failed (${f.firstError})` : ''}`,
      );
    }
    await settle(ctx.stack, 600_000);
    // The fill leaves PostgreSQL its maintenance to do (tens of thousands of new rows past autovacuum's thresholds),
    // which would otherwise land on whichever side's round it meets: run 32's intake at 50k open had one round of
    // ours at half the speed of the other three, with Postgres's CPU per filing 10 ms against 3 at 10k open. Done
    // before measuring at each size, as it is before each pair of bursts.
    await quietPostgres(ctx);
    // The label says how many are open in fact: the earlier sections may already have filed more than `size`.
    const open = await openCases(ctx);
    const label = ` @ ${open >= 1000 ? `${Math.round(open / 100) / 10}k` : open} open`;
    const m = await ctx.stack.workerMemory();
    const mem: Result = {
      name: `worker memory${label}`,
      ops: open,
      concurrency: null,
      throughput: null,
      p50_ms: null,
      p99_ms: null,
      baseline: null,
      ratio: null,
      target: null,
      met: null,
      open_cases: open,
      rss_mb: m.rssMb,
      heap_used_mb: m.heapUsedMb,
    };
    memory.push(mem);
    results.push(mem);
    ctx.log(`growth${label}: worker RSS ${m.rssMb} MB, heap ${m.heapUsedMb} MB`);
    const { rows, ids } = await withMaintenance(ctx, () => intake(ctx, o.intakeOps, label));
    results.push(...rows.map((r) => ({ ...r, open_cases: open })));
    // Reads spread over three cases in four reads (the ones just filed and other random open ones the reader,
    // lakeview's resident, may see; the timer cases belong to another resident), so most are a case's first read.
    const spread = Math.max(0, Math.round(o.readOps * 0.75) - ids.length);
    const sample = await ctx.stack.pool.query<{ id: string }>(
      "SELECT id FROM cases WHERE status <> 'closed' AND resident_user_id = $1 AND id <> ALL($3::uuid[]) ORDER BY random() LIMIT $2",
      [DEMO_USERS.resident3, spread, ids],
    );
    const read = await withMaintenance(ctx, async () => ({
      rows: await reads(ctx, [...ids, ...sample.rows.map((r) => r.id)], o.readOps, label),
    }));
    results.push(...read.rows.map((r) => ({ ...r, open_cases: open })));
    // A small burst shows what one deadline waits with this many cases open; the larger one, a burst's queueing.
    // Each beside the bare engine's burst of the same size, measured just before it.
    if (size === o.timersAt) {
      for (const n of [10, o.timerCases]) {
        await quietPostgres(ctx);
        const bare = await bareTimers(ctx, n);
        await settle(ctx.stack);
        const ours = await timers(ctx, n, o.filingRate);
        results.push(bare, withBaseline(ours, bare, n));
      }
    }
  }
  const judged = judgeMemory(memory, ctx.stack.maxCachedWorkflows);
  memory.forEach((row, i) => Object.assign(row, judged[i]));
}

/**
 * Flat means: once open cases outnumber the worker's workflow cache (the SDK's default, from the heap limit),
 * more open cases add no memory. The reference is the first size past the cache; each later size is compared to it.
 */
function judgeMemory(rows: Result[], cache: number): Result[] {
  const ref = rows.find((r) => (r.open_cases ?? 0) > cache);
  return rows.map((r) => {
    if (!ref || r === ref || (r.open_cases ?? 0) <= cache) {
      return {
        ...r,
        note:
          r === ref
            ? `reference: first size past the worker's cache of ${cache} workflows`
            : `below the worker's cache of ${cache} workflows: memory may grow here`,
      };
    }
    const ratio = (r.rss_mb ?? 0) / (ref.rss_mb ?? 1);
    return {
      ...r,
      baseline: ref.name,
      ratio: Math.round(ratio * 100) / 100,
      target: 'RSS ≤ 1.2× the first size past the cache',
      met: ratio <= 1.2,
    };
  });
}
