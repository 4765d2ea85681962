// What the Temporal server does per operation: its own counters (requests by service and operation, persistence
// calls, task executions), read from the embedded dev server's Prometheus endpoint before and after N bare starts
// and N intakes, divided by N. `npx tsx bench/temporal-ops.ts [N]` (default 300). Used to check that an intake
// costs the server the same calls as starting the empty workflow.
import { runOps } from './load';
import { benchContext, fileOverHttp, settle, startBare, warmUp } from './scenarios';
import { startBenchStack } from './stack';

const COUNTERS = /^(service_requests|persistence_requests|task_requests)\{([^}]*)\}\s+([0-9.e+]+)/;

async function counters(url: string): Promise<Map<string, number>> {
  // The server publishes its counters every second or so: wait for the last operations' to show.
  await new Promise((r) => setTimeout(r, 4_000));
  const text = await (await fetch(url)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = COUNTERS.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const key = `${m[1]} ${labels.service_name ?? ''} ${labels.operation ?? ''}`.trim();
    out.set(key, (out.get(key) ?? 0) + Number(m[3]));
  }
  return out;
}

function perOp(before: Map<string, number>, after: Map<string, number>, n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) {
    const d = (v - (before.get(k) ?? 0)) / n;
    if (d >= 0.05) out.set(k, d);
  }
  return out;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 300);
  const stack = await startBenchStack((line) => console.log(line));
  try {
    if (!stack.temporalMetricsUrl) throw new Error('needs the embedded Temporal dev server (unset TEMPORAL_ADDRESS)');
    const ctx = await benchContext(stack, 16, 1, console.log);
    await warmUp(ctx, 50);
    const measure = async (op: (i: number) => Promise<void>) => {
      const before = await counters(stack.temporalMetricsUrl!);
      await runOps(n, 16, op);
      await settle(stack);
      return perOp(before, await counters(stack.temporalMetricsUrl!), n);
    };
    const bare = await measure(startBare(ctx));
    const intake = await measure(fileOverHttp(ctx, []));
    const keys = [...new Set([...bare.keys(), ...intake.keys()])].sort(
      (a, b) => (intake.get(b) ?? 0) - (intake.get(a) ?? 0),
    );
    console.log(`\nper operation (${n} each)        bare start   intake`);
    for (const k of keys)
      console.log(
        `${k.padEnd(60)} ${(bare.get(k) ?? 0).toFixed(2).padStart(6)} ${(intake.get(k) ?? 0).toFixed(2).padStart(8)}`,
      );
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
