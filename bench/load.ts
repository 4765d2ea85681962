// The load generator: a fixed number of operations at a fixed concurrency over keep-alive HTTP (undici), each
// operation's latency recorded, and two workloads compared in alternating rounds so that drift in a shared
// machine's background load falls on both sides of a ratio alike.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { addCpu, cpuDelta, type CpuMeter, type CpuSample } from './cpu';

export interface Measured {
  ops: number;
  concurrency: number;
  wallMs: number;
  latencies: number[];
  errors: number;
  firstError: string | null;
  /** Merged measurements: each round's throughput (throughputOf), in the order run (one slow round is a stall, not a trend). */
  rounds?: number[];
}

export type Op = (i: number) => Promise<void>;

/** Runs `ops` operations with `concurrency` in flight; op(i) gets each index 0..ops-1 once. */
export async function runOps(ops: number, concurrency: number, op: Op, offset = 0): Promise<Measured> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | null = null;
  const start = performance.now();
  const lane = async () => {
    for (let i = next++; i < ops; i = next++) {
      const t0 = performance.now();
      try {
        await op(offset + i);
        latencies.push(performance.now() - t0);
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ops) }, lane));
  return { ops, concurrency, wallMs: performance.now() - start, latencies, errors, firstError };
}

export function merge(parts: Measured[]): Measured {
  return {
    ops: parts.reduce((n, p) => n + p.ops, 0),
    concurrency: parts[0]?.concurrency ?? 0,
    wallMs: parts.reduce((n, p) => n + p.wallMs, 0),
    latencies: parts.flatMap((p) => p.latencies),
    errors: parts.reduce((n, p) => n + p.errors, 0),
    firstError: parts.find((p) => p.firstError)?.firstError ?? null,
    rounds: parts.map(throughputOf),
  };
}

/** Nearest-rank percentile of the successful operations, in ms. */
export function percentile(latencies: number[], p: number): number {
  if (latencies.length === 0) return NaN;
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The operator token the bench's API answers /metrics with (bench/api.ts). */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';

export const throughputOf = (m: Measured) => (m.ops - m.errors) / (m.wallMs / 1000);

export interface Comparison {
  baseline: Measured;
  subject: Measured;
  /** CPU each side used, by process, from the start of its rounds to the end of their settling. */
  cpu?: { baseline: CpuSample; subject: CpuSample };
}

type Side = 'baseline' | 'subject';
const SIDES: readonly Side[] = ['baseline', 'subject'];

/**
 * Baseline and subject in `rounds` rounds, each followed by `settle` (e.g. waiting for the worker to finish what the
 * round left behind), merged per side. The order alternates (B S, S B, B S, …) so that neither side always runs
 * second, on a server the other side has just loaded (a WAL checkpoint, a vacuum, warmer caches).
 */
export async function compare(o: {
  ops: number;
  concurrency: number;
  rounds: number;
  baseline: Op;
  subject: Op;
  settle?: () => Promise<void>;
  meter?: CpuMeter;
}): Promise<Comparison> {
  const per = Math.ceil(o.ops / o.rounds);
  const measured: Record<Side, Measured[]> = { baseline: [], subject: [] };
  const cpu: Record<Side, CpuSample> = { baseline: {}, subject: {} };
  for (let r = 0; r < o.rounds; r++) {
    const n = Math.min(per, o.ops - r * per);
    if (n <= 0) break;
    for (const side of r % 2 === 0 ? SIDES : [...SIDES].reverse()) {
      const t0 = o.meter?.sample();
      measured[side].push(await runOps(n, o.concurrency, o[side], r * per));
      await o.settle?.();
      const t1 = o.meter?.sample();
      if (t0 && t1) cpu[side] = addCpu(cpu[side], cpuDelta(t0, t1));
    }
  }
  return { baseline: merge(measured.baseline), subject: merge(measured.subject), ...(o.meter ? { cpu } : {}) };
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** A keep-alive client for one origin with as many connections as the concurrency. */
export class Http {
  private readonly pool: Pool;
  constructor(origin: string, connections: number) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  async request(
    method: 'GET' | 'POST',
    path: string,
    opts: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.pool.request({
      method,
      path,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : null };
  }

  /** The request, which must answer `expected`; otherwise an error naming the status and body. */
  /** The body as text (e.g. /metrics). */
  async requestText(method: 'GET' | 'POST', path: string, headers: Record<string, string> = {}): Promise<string> {
    const res = await this.pool.request({ method, path, headers });
    return res.body.text();
  }

  async expect(
    expected: number,
    method: 'GET' | 'POST',
    path: string,
    opts: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Record<string, unknown>> {
    const res = await this.request(method, path, opts);
    if (res.status !== expected)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body as Record<string, unknown>;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
