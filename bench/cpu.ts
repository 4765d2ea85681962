// Where the CPU goes, per process, read from /proc (Linux): the API, the worker, the Temporal server, PostgreSQL
// (the postmaster, its live backends, and what its exited children used) and the bench's own load generator. On a
// 2-core machine a section's throughput is bounded by the CPU its operations need in total, so CPU per operation,
// by process, says what an operation costs and who pays.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export type Part = 'api' | 'worker' | 'temporal' | 'postgres' | 'client';
export type CpuSample = Partial<Record<Part, number>>;

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // not Linux, or no getconf: /proc is absent too and the meter reports nothing
}

/** utime, stime, cutime, cstime in ms; null if the process is gone. */
function times(pid: number): { self: number; children: number; ppid: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after its closing parenthesis are fixed.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (i: number) => (Number(f[i]) * 1000) / ticksPerSecond;
    return { ppid: Number(f[1]), self: ms(11) + ms(12), children: ms(13) + ms(14) };
  } catch {
    return null;
  }
}

function pidsWhere(test: (cmdline: string) => boolean): number[] {
  const out: number[] = [];
  for (const entry of fs.existsSync('/proc') ? fs.readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (test(fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' '))) out.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

export interface CpuMeter {
  sample(): CpuSample;
}

/**
 * `marker` is a path only our own servers' command lines contain (the run's temporary folder), so processes of
 * other runs on the same machine are never counted.
 */
export function cpuMeter(o: {
  api?: number;
  worker?: number;
  temporal?: number;
  marker: string;
  postmasterPidFile?: string;
}): CpuMeter {
  // The production-shape server is known by its pid; the dev server, started by the SDK, by its command line.
  const temporal = o.temporal ? [o.temporal] : pidsWhere((c) => c.includes('start-dev') && c.includes(o.marker));
  return {
    sample() {
      const s: CpuSample = { client: (process.cpuUsage().user + process.cpuUsage().system) / 1000 };
      const one = (pid?: number) => (pid ? times(pid) : null);
      const api = one(o.api);
      const worker = one(o.worker);
      if (api) s.api = api.self;
      if (worker) s.worker = worker.self;
      if (temporal.length) s.temporal = temporal.reduce((n, pid) => n + (times(pid)?.self ?? 0), 0);
      const postmaster =
        o.postmasterPidFile && fs.existsSync(o.postmasterPidFile)
          ? Number(fs.readFileSync(o.postmasterPidFile, 'utf8').split('\n')[0])
          : 0;
      const pm = one(postmaster);
      if (pm) {
        const backends = pidsWhere((c) => c.startsWith('postgres:'))
          .map(times)
          .filter((t) => t?.ppid === postmaster);
        s.postgres = pm.self + pm.children + backends.reduce((n, t) => n + (t?.self ?? 0), 0);
      }
      return s;
    },
  };
}

export function cpuDelta(a: CpuSample, b: CpuSample): CpuSample {
  const out: CpuSample = {};
  for (const k of Object.keys(b) as Part[]) if (a[k] !== undefined) out[k] = (b[k] ?? 0) - (a[k] ?? 0);
  return out;
}

export function addCpu(a: CpuSample, b: CpuSample): CpuSample {
  const out: CpuSample = { ...a };
  for (const k of Object.keys(b) as Part[]) out[k] = (out[k] ?? 0) + (b[k] ?? 0);
  return out;
}

/** CPU ms of all processes together. */
export const cpuTotal = (s: CpuSample): number => Object.values(s).reduce((n, v) => n + (v ?? 0), 0);

/** The least wall time (ms) in which `cores` could have done the work in `s`, were it spread over all of them. */
export const cpuFloorMs = (s: CpuSample, cores: number): number => Math.round(cpuTotal(s) / Math.max(cores, 1));

/** CPU ms per operation, by process, rounded; with the total. */
export function perOp(total: CpuSample, ops: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(total)) out[k] = Math.round(((v ?? 0) / ops) * 100) / 100;
  out.total = Math.round((cpuTotal(total) / ops) * 100) / 100;
  return out;
}
