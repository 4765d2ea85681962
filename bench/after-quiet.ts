// `npx tsx bench/after-quiet.ts [gap seconds=12] [samples=6]`: what the first requests after a quiet spell cost.
// A district's requests come one at a time, seconds to minutes apart, so this is the latency residents and staff
// mostly see. Alternately after 1 s and after `gap` s of quiet, one intake (POST /cases) and its acknowledgement,
// beside the bare engine's start + INSERT after the same quiet; prints each side's latencies and medians.
// Used to choose the pool's idle timeout (db/pool.ts IDLE_CONNECTION_MS): with pg's 10 s default every request after
// a quiet spell first opened a connection, and the new server process planned its statements on cold caches.
import { randomUUID } from 'node:crypto';
import { percentile } from './load';
import { benchContext, intakeBody, warmUp } from './scenarios';
import { startBenchStack } from './stack';

async function main(): Promise<void> {
  const gap = Number(process.argv[2] ?? 12);
  const samples = Number(process.argv[3] ?? 6);
  const stack = await startBenchStack(() => {});
  try {
    const ctx = await benchContext(stack, 1, 1, () => {});
    await warmUp(ctx, 20);
    const sessions = async () =>
      Number(
        (
          await stack.pool.query<{ n: string }>(
            'SELECT sessions AS n FROM pg_stat_database WHERE datname = current_database()',
          )
        ).rows[0].n,
      );
    const timed = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
      const t0 = performance.now();
      const v = await fn();
      return [performance.now() - t0, v];
    };
    const seen: Record<string, number[]> = {};
    const add = (key: string, ms: number) => (seen[key] ??= []).push(Math.round(ms));
    const opened0 = await sessions();
    for (let i = 0; i < samples; i++) {
      for (const quiet of [1, gap]) {
        await new Promise((r) => setTimeout(r, quiet * 1000));
        const [bareMs] = await timed(() => ctx.bare.expect(200, 'POST', '/bare/start', { body: { kind: 'empty' } }));
        await new Promise((r) => setTimeout(r, quiet * 1000));
        const [intakeMs, filed] = await timed(() =>
          ctx.api.expect(201, 'POST', '/api/v1/cases', {
            body: intakeBody(i),
            headers: { ...ctx.resident, 'idempotency-key': randomUUID() },
          }),
        );
        const [ackMs] = await timed(() =>
          ctx.api.expect(200, 'POST', `/api/v1/cases/${String(filed.caseId)}/acknowledge`, {
            headers: { ...ctx.handler, 'idempotency-key': randomUUID() },
          }),
        );
        add(`bare start + INSERT after ${quiet} s`, bareMs);
        add(`intake after ${quiet} s`, intakeMs);
        add(`acknowledge, just after that intake`.concat(quiet === 1 ? '' : ` (${quiet} s)`), ackMs);
      }
    }
    const opened = (await sessions()) - opened0;
    for (const [key, ms] of Object.entries(seen))
      console.log(`${key.padEnd(40)} median ${String(percentile(ms, 50)).padStart(4)} ms   ${ms.join(', ')}`);
    console.log(`PostgreSQL connections opened meanwhile: ${opened}`);
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
