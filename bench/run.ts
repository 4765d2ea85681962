// `npm run bench [-- --quick] [--concurrency 16] [--production]`: Red Steward against the bare engine, in one run on
// the same servers. See bench/README.md for what each figure means and the latest results.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { csvExport } from './export';
import { growth } from './growth';
import { hotspotQuery } from './hotspots';
import { summariseAll } from './profile';
import { machineInfo, printTable, writeResults, type Result } from './report';
import { benchContext, fullLoop, intake, reads, warmUp } from './scenarios';
import { startBenchStack } from './stack';

const PLANS = {
  quick: {
    warmUp: 20,
    intake: 160,
    loop: 32,
    reads: 800,
    rounds: 2,
    sizes: [300, 1000],
    timersAt: 1000,
    timerCases: 100,
    growthIntake: 80,
    growthReads: 800,
    exportRows: 20_000,
    hotspotCases: 20_000,
  },
  full: {
    warmUp: 100,
    intake: 2000,
    loop: 400,
    reads: 5000,
    rounds: 4,
    sizes: [1000, 10_000, 50_000],
    timersAt: 10_000,
    timerCases: 100,
    growthIntake: 1000,
    growthReads: 6000,
    exportRows: 100_000,
    hotspotCases: 100_000,
  },
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      concurrency: { type: 'string', default: '16' },
      scale: { type: 'string', default: '1' },
      profile: { type: 'boolean', default: false },
      only: { type: 'string' },
      production: { type: 'boolean', default: false },
    },
  });
  // --production: the production-shape Temporal server (PostgreSQL persistence, 4 history shards) in place of the dev
  // server; intake, the full loop and the read unless --only says otherwise (growth and export measure the app, not it).
  if (values.production && !values.only) values.only = 'intake,loop,read';
  // --only intake,loop,read,growth,hotspots,export: run just those sections (while working on one of them).
  const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;
  const wanted = (name: string) => only === null || only.has(name);
  // --scale multiplies every count (e.g. 0.25 for a smoke run while developing); figures at other scales are not comparable.
  const scale = Number(values.scale);
  const base = values.quick ? PLANS.quick : PLANS.full;
  const plan = Object.fromEntries(
    Object.entries(base).map(([k, v]) => [
      k,
      k === 'rounds'
        ? v
        : Array.isArray(v)
          ? v.map((n) => Math.max(1, Math.round(n * scale)))
          : Math.max(1, Math.round((v as number) * scale)),
    ]),
  ) as typeof base;
  const concurrency = Number(values.concurrency);
  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const machine = machineInfo({
    mode: values.quick ? 'quick' : 'full',
    scale,
    concurrency,
    started_at: new Date(started).toISOString(),
    ...(values.only ? { only: values.only } : {}),
    ...(values.production ? { production: true } : {}),
  });

  log(
    `starting the stack (${values.quick ? 'quick' : 'full'} run, concurrency ${concurrency}${values.production ? ', production-shape Temporal server' : ''})`,
  );
  const profileDir = values.profile
    ? path.join(__dirname, 'results', `profiles-${new Date(started).toISOString().replace(/[:.]/g, '-')}`)
    : undefined;
  const stack = await startBenchStack(log, profileDir, { production: values.production });
  const stopOnSignal = () => void stack.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const results: Result[] = [];
  // A section that fails leaves a row saying so; the others still run and everything measured is written.
  const section = async (name: string, fn: () => Promise<Result[]>) => {
    try {
      results.push(...(await fn()));
    } catch (err) {
      log(`${name} failed: ${(err as Error).message}`);
      results.push({
        name: `${name}: failed`,
        ops: 0,
        concurrency: null,
        throughput: null,
        p50_ms: null,
        p99_ms: null,
        baseline: null,
        ratio: null,
        target: null,
        met: false,
        note: (err as Error).message,
      });
    }
  };
  try {
    const ctx = await benchContext(stack, concurrency, plan.rounds, log);
    const versions = await serverVersions(stack);
    Object.assign(machine.versions as object, versions, { worker_cache_workflows: stack.maxCachedWorkflows });
    log('warming up');
    await warmUp(ctx, plan.warmUp);

    let ids: string[] = [];
    if (wanted('intake')) {
      log(`intake: ${plan.intake} cases over HTTP against start + INSERT`);
      await section('intake', async () => {
        const i = await intake(ctx, plan.intake);
        ids = i.ids;
        return i.rows;
      });
    }
    if (wanted('loop')) {
      log(`full loop: ${plan.loop} cases against a bare workflow taking 3 Updates`);
      await section('full loop', () => fullLoop(ctx, plan.loop));
    }
    if (wanted('read')) {
      // Without the intake section, the warm-up's cases are read.
      if (ids.length === 0)
        ids = (
          await stack.pool.query<{ id: string }>('SELECT id FROM cases ORDER BY created_at DESC LIMIT 200')
        ).rows.map((r) => r.id);
      log(`reads: ${plan.reads} GET /cases/:id against a bare PK SELECT route`);
      await section('read', () => reads(ctx, ids, plan.reads));
    }

    const intakeRow = results.find((r) => r.name.startsWith('intake'));
    if (wanted('growth'))
      await section('growth', async () => {
        await growth(
          ctx,
          {
            sizes: plan.sizes,
            intakeOps: plan.growthIntake,
            readOps: plan.growthReads,
            timersAt: plan.timersAt,
            timerCases: plan.timerCases,
            filingRate: intakeRow?.throughput ?? 50,
          },
          results,
        );
        return [];
      });
    // Before the export, whose top-up rows all fall in the last day: these are spread over a year.
    if (wanted('hotspots')) await section('hotspots', () => hotspotQuery(ctx, plan.hotspotCases));
    if (wanted('export')) await section('export', async () => [await csvExport(ctx, plan.exportRows)]);
    await Promise.all([ctx.api.close(), ctx.bare.close()]);
  } finally {
    await stack.stop();
  }
  machine.duration_s = Math.round((Date.now() - started) / 1000);
  if (profileDir)
    console.log(`\n${summariseAll(profileDir)}\n(profiles in ${profileDir}; open them in Chrome DevTools)`);
  console.log('');
  printTable(results);
  const file = writeResults(machine, results);
  const missed = results.filter((r) => r.met === false);
  const bareMissedToo = missed.filter((r) => r.baseline_met === false).length;
  console.log(
    `\n${results.filter((r) => r.met === true).length} targets met, ${missed.length} missed${bareMissedToo ? ` (${bareMissedToo} of them an absolute target the bare engine missed too, on the same servers)` : ''}; written to ${file} (${machine.duration_s} s)`,
  );
  // A quick run's rounds last a second or two: one stall moves a ratio by a tenth either way (bench/README.md).
  if (values.quick || scale !== 1)
    console.log(
      `(a ${values.quick ? 'quick' : 'scaled'} run: its counts are too small to judge a target by; the full run, \`npm run bench\`, does)`,
    );
}

async function serverVersions(
  stack: Awaited<ReturnType<typeof startBenchStack>>,
): Promise<Record<string, string | null>> {
  const pg = await stack.pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  const info = await stack.temporal.workflowService.getSystemInfo({}).catch(() => null);
  return { postgres: pg.rows[0].v, temporal_server: info?.serverVersion ?? null };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
