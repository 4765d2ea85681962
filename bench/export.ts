// The CSV export (GET /exports/cases.csv, api/routes/exports-csv.ts) over many rows: it streams page by page, so the
// API's memory should not grow with the number of rows. Rows beyond the cases the run filed are synthetic
// projection rows (the export reads only the projection), added only to a database the bench started itself.
import { cstDate } from '../domain/calendar';
import { Pool } from 'undici';
import { DEMO_PASSWORD } from '../db/seed-data';
import type { Result } from './report';
import type { BenchContext } from './scenarios';

const DAY = 86_400_000;

async function topUp(ctx: BenchContext, rows: number): Promise<number> {
  const { pool } = ctx.stack;
  const total = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0].n;
  if (total >= rows || !ctx.stack.embedded.postgres) return total;
  await pool.query(
    `INSERT INTO cases (id, tracking_code, workflow_id, category_code, compound_code, location, description, status, stage, level,
        handler_org_id, supervisor_org_id, community_org_id, street_org_id, workflow_started, last_seq, created_at)
     SELECT gen_random_uuid(), 'BX-' || lpad(g::text, 8, '0'), 'bench-export-' || g, c.category_code, c.compound_code, c.location,
        c.description, c.status, c.stage, c.level, c.handler_org_id, c.supervisor_org_id, c.community_org_id, c.street_org_id,
        true, c.last_seq, now() - make_interval(secs => g)
       FROM generate_series(1, $1::int) AS g, (SELECT * FROM cases WHERE last_seq >= 2 LIMIT 1) AS c`,
    [rows - total],
  );
  return rows;
}

export async function csvExport(ctx: BenchContext, rows: number): Promise<Result> {
  ctx.log(`export: ${rows} cases through GET /exports/cases.csv`);
  const total = await topUp(ctx, rows);
  const http = new Pool(ctx.stack.apiOrigin, { connections: 1, bodyTimeout: 600_000 });
  const login = await http.request({
    method: 'POST',
    path: '/api/v1/auth/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
  });
  const token = ((await login.body.json()) as { token: string }).token;
  const from = cstDate(Date.now() - 30 * DAY);
  const to = cstDate(Date.now() + DAY);
  const t0 = performance.now();
  let firstByte = 0;
  const { result, memory } = await ctx.stack.apiMemoryDuring(async () => {
    const res = await http.request({
      method: 'GET',
      path: `/api/v1/exports/cases.csv?from=${from}&to=${to}`,
      headers: { authorization: `Bearer ${token}` },
    });
    let lines = 0;
    let bytes = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      firstByte ||= performance.now() - t0;
      bytes += chunk.length;
      for (const b of chunk) if (b === 0x0a) lines++;
    }
    return { status: res.statusCode, lines, bytes };
  });
  await http.close();
  const seconds = (performance.now() - t0) / 1000;
  const exported = Math.max(result.lines - 1, 0);
  const growth = memory.peakRssMb - memory.idleRssMb;
  return {
    name: `export: cases.csv, ${Math.round(exported / 1000)}k rows`,
    ops: exported,
    concurrency: 1,
    throughput: Math.round(exported / seconds),
    p50_ms: null,
    p99_ms: Math.round(seconds * 1000),
    baseline: null,
    ratio: null,
    target: 'API RSS grows ≤ 64 MB while streaming (our bound; the issue sets none)',
    met: result.status === 200 && exported >= Math.min(rows, total) * 0.99 && growth <= 64,
    rss_mb: memory.peakRssMb,
    heap_used_mb: memory.peakHeapMb,
    note: `status ${result.status}, ${(result.bytes / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(1)} s, first byte after ${Math.round(firstByte)} ms; API idle RSS ${memory.idleRssMb} MB → peak ${memory.peakRssMb} MB, heap ${memory.idleHeapMb} → ${memory.peakHeapMb} MB; p99_ms holds the whole export's duration`,
  };
}
