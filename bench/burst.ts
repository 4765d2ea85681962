// `npx tsx bench/burst.ts [n=100] [rounds=4]`: rounds of the bare engine's deadline burst and Red Steward's, `n`
// deadlines at once each, on one stack and nothing else — a quick A/B for an experiment on the burst (a worker option,
// a change to the workflow) in ~90 s, where `npm run bench -- --quick --only growth` gives one pair in ~85 s.
// Prints each row (with where Temporal's histories put the time) and the mean p99 of each side.
import { startBenchStack } from './stack';
import { benchContext, warmUp } from './scenarios';
import { bareTimers, quietPostgres, timers, withBaseline } from './growth';
import { printTable, type Result } from './report';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100);
  const rounds = Number(process.argv[3] ?? 4);
  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const stack = await startBenchStack(log);
  const rows: Result[] = [];
  try {
    const ctx = await benchContext(stack, 16, 1, log);
    await warmUp(ctx, 20);
    for (let r = 0; r < rounds; r++) {
      log(`round ${r + 1} of ${rounds}`);
      await quietPostgres(ctx);
      const bare = await bareTimers(ctx, n);
      rows.push(bare, withBaseline(await timers(ctx, n, 100), bare, n));
    }
  } finally {
    await stack.stop();
  }
  printTable(rows, (line) => console.log(line));
  const mean = (side: string) => {
    const p = rows.filter((r) => r.name.startsWith(side)).map((r) => r.p99_ms ?? NaN);
    return `${p.join(' / ')} (mean ${Math.round(p.reduce((a, x) => a + x, 0) / p.length)})`;
  };
  console.log(`p99 ms — bare: ${mean('baseline')}; cases: ${mean('timers')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
