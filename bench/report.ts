// Results as a table on stdout and as JSON in bench/results/ (latest.json and a dated copy), with the machine
// and versions they were taken on, shaped so a script can read which targets are met.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuTotal, perOp } from './cpu';
import { type Comparison, type Measured, percentile, throughputOf } from './load';

/** Where a burst's breaches spent their time inside Temporal, from each workflow's history (ms). */
export interface EngineSplit {
  /** Timer fired − its deadline (the server's timer queue). */
  timer_late: { p50: number; p99: number };
  /** Workflow task started − timer fired: waiting for a worker to poll it. */
  to_worker: { p50: number; p99: number };
  /** Workflow task completed − started: the worker's activations, the local activity's write, the completion. */
  in_worker: { p50: number; p99: number };
}

export interface Result {
  name: string;
  ops: number;
  concurrency: number | null;
  throughput: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  /** The name of the row this one is a ratio to. */
  baseline: string | null;
  /** throughput ÷ the baseline's throughput (for memory rows: this size's RSS ÷ the reference size's). */
  ratio: number | null;
  target: string | null;
  met: boolean | null;
  errors?: number;
  /** p99 ÷ the baseline's p99, where the target names it. */
  p99_ratio?: number;
  open_cases?: number;
  rss_mb?: number;
  heap_used_mb?: number;
  /**
   * The baseline's CPU per operation ÷ this row's, all processes together: the throughput ratio this row would have
   * were both sides held back by the cores alone. Where the machine is saturated the measured ratio sits near it;
   * where the baseline waits on something else (the dev server's one SQLite writer) it sits above.
   */
  cpu_ratio?: number;
  /** CPU ms per operation by process (api, worker, temporal, postgres, client) and in total. */
  cpu_ms_per_op?: Record<string, number>;
  /** Each round's ops/s, in the order run (bench/load.ts compare): one slow round is a stall, not a steady gap. */
  round_throughputs?: number[];
  /** Reads of GET /cases/:id answered from the API's case cache, of all its reads in the row (db/case-cache.ts). */
  cache_hit_rate?: number;
  /** A deadline burst as Temporal's histories show it (bench/growth.ts engineSplit): ms, each p50 and p99. */
  engine_ms?: EngineSplit;
  /**
   * A burst's CPU (every process, from just before the deadline until the last write) ÷ the cores: the least wall
   * time in which these cores could have done its work. Where it nears the target, the target is out of this
   * machine's reach for any code that records each breach in its own workflow task.
   */
  cpu_floor_ms?: number;
  /** PostgreSQL maintenance (autovacuum, autoanalyze, checkpoints) seen during a burst's window, or on the subject row of a
   * comparison at size during both sides' rounds; empty when none. */
  pg_maintenance?: string[];
  /**
   * On a row with an absolute target (the deadline bursts): whether the baseline, measured just before on the same
   * servers, meets that same target. `false` beside a miss says the machine, not Red Steward's code, is short: even
   * the bare engine cannot do that work in that time here.
   */
  baseline_met?: boolean;
  note?: string;
}

const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);

export function row(name: string, m: Measured, extra: Partial<Result> = {}): Result {
  return {
    name,
    ops: m.ops,
    concurrency: m.concurrency,
    throughput: round(throughputOf(m)),
    p50_ms: round(percentile(m.latencies, 50)),
    p99_ms: round(percentile(m.latencies, 99)),
    baseline: null,
    ratio: null,
    target: null,
    met: null,
    ...(m.rounds && m.rounds.length > 1 ? { round_throughputs: m.rounds.map((t) => round(t) ?? 0) } : {}),
    ...(m.errors ? { errors: m.errors, note: `first error: ${m.firstError}` } : {}),
    ...extra,
  };
}

/** The baseline row and the subject row with its ratio, judged against a throughput (and optional p99) target. */
export function judged(
  baseName: string,
  subjectName: string,
  c: Comparison,
  target: { throughput: number; p99?: number },
  extra: Partial<Result> = {},
): Result[] {
  const cpu = (side: 'baseline' | 'subject', m: Measured) =>
    c.cpu ? { cpu_ms_per_op: perOp(c.cpu[side], m.ops) } : {};
  const base = row(baseName, c.baseline, { ...extra, ...cpu('baseline', c.baseline) });
  const ratio = throughputOf(c.subject) / throughputOf(c.baseline);
  const p99Ratio = percentile(c.subject.latencies, 99) / percentile(c.baseline.latencies, 99);
  const met =
    ratio >= target.throughput &&
    (target.p99 === undefined || p99Ratio <= target.p99) &&
    c.subject.errors === 0 &&
    c.baseline.errors === 0;
  const text = `throughput ≥ ${target.throughput}× baseline${target.p99 === undefined ? '' : `, p99 ≤ ${target.p99}× baseline p99`}`;
  const cpuRatio = c.cpu ? cpuTotal(c.cpu.baseline) / c.baseline.ops / (cpuTotal(c.cpu.subject) / c.subject.ops) : NaN;
  const subject = row(subjectName, c.subject, {
    ...extra,
    ...cpu('subject', c.subject),
    baseline: baseName,
    ratio: round(ratio, 2),
    target: text,
    met,
    ...(target.p99 === undefined ? {} : { p99_ratio: round(p99Ratio, 2) ?? undefined }),
    ...(Number.isFinite(cpuRatio) ? { cpu_ratio: round(cpuRatio, 2) ?? undefined } : {}),
  });
  return [base, subject];
}

const fmt = (v: number | null | undefined, width: number) =>
  (v === null || v === undefined ? '—' : String(v)).padStart(width);

export function printTable(results: Result[], out: (line: string) => void = console.log): void {
  const nameWidth = Math.max(...results.map((r) => r.name.length), 10);
  out(
    `${'name'.padEnd(nameWidth)}  ${'ops'.padStart(6)}  ${'conc'.padStart(4)}  ${'ops/s'.padStart(8)}  ${'p50 ms'.padStart(8)}  ${'p99 ms'.padStart(8)}  ${'ratio'.padStart(6)}  target`,
  );
  for (const r of results) {
    const extra =
      r.rss_mb !== undefined
        ? `RSS ${r.rss_mb} MB, heap ${r.heap_used_mb} MB`
        : r.cache_hit_rate !== undefined
          ? `(case cache hits ${Math.round(r.cache_hit_rate * 100)}%)`
          : '';
    const verdict =
      r.met === null
        ? ''
        : `${r.met ? 'MET' : 'MISSED'}${r.baseline_met === undefined ? '' : ` (the baseline: ${r.baseline_met ? 'met' : 'missed'})`}`;
    const target = [r.target, r.p99_ratio !== undefined ? `(p99 ${r.p99_ratio}×)` : '', verdict, extra]
      .filter(Boolean)
      .join(' ');
    out(
      `${r.name.padEnd(nameWidth)}  ${fmt(r.ops, 6)}  ${fmt(r.concurrency, 4)}  ${fmt(r.throughput, 8)}  ${fmt(r.p50_ms, 8)}  ${fmt(r.p99_ms, 8)}  ${fmt(r.ratio, 6)}  ${target}`,
    );
    if (r.errors) out(`${''.padEnd(nameWidth)}  ${r.errors} failed operations; ${r.note}`);
    if (r.engine_ms) {
      const e = r.engine_ms;
      out(
        `${''.padEnd(nameWidth)}  in Temporal, p50/p99 ms: timer fired ${e.timer_late.p50}/${e.timer_late.p99} after the deadline, its workflow task waited ${e.to_worker.p50}/${e.to_worker.p99} for a worker, held ${e.in_worker.p50}/${e.in_worker.p99} in it`,
      );
    }
    if (r.pg_maintenance?.length)
      out(`${''.padEnd(nameWidth)}  PostgreSQL maintenance during it: ${r.pg_maintenance.join(', ')}`);
    if (r.round_throughputs) out(`${''.padEnd(nameWidth)}  ops/s by round: ${r.round_throughputs.join(', ')}`);
    if (r.cpu_ms_per_op)
      out(
        `${''.padEnd(nameWidth)}  cpu ms/op: ${Object.entries(r.cpu_ms_per_op)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}${r.cpu_ratio === undefined ? '' : `; cpu ratio ${r.cpu_ratio}`}`,
      );
    if (r.cpu_floor_ms !== undefined)
      out(`${''.padEnd(nameWidth)}  cpu floor: ${r.cpu_floor_ms} ms (the burst's CPU ÷ the cores)`);
  }
}

function versionOf(pkg: string): string | null {
  try {
    return (
      JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'node_modules', pkg, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return null;
  }
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
    }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(extra: Record<string, unknown>): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? null,
    memory_gb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    loadavg_at_start: os.loadavg().map((l) => Math.round(l * 100) / 100),
    versions: {
      node: process.versions.node,
      temporal_sdk: versionOf('@temporalio/worker'),
      fastify: versionOf('fastify'),
      pg_driver: versionOf('pg'),
      undici: versionOf('undici'),
    },
    commit: gitCommit(),
    ...extra,
  };
}

export function writeResults(machine: Record<string, unknown>, results: Result[]): string {
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const doc = JSON.stringify(
    { machine: { ...machine, loadavg_at_end: os.loadavg().map((l) => Math.round(l * 100) / 100) }, results },
    null,
    2,
  );
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  // A partial run (--only) or one on the production-shape server never replaces latest.json: a script reading it
  // must see every target, measured on the dev server as the targets are.
  const suffix = machine.production ? '-production' : machine.only ? '-partial' : '';
  if (!suffix) fs.writeFileSync(path.join(dir, 'latest.json'), doc);
  fs.writeFileSync(path.join(dir, `${stamp}${suffix}.json`), doc);
  return path.join(dir, suffix ? `${stamp}${suffix}.json` : 'latest.json');
}
