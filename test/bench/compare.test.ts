// The bench's paired measurement (bench/load.ts compare), pure: no servers. Each side gets the same operations, in
// rounds whose order alternates, so that neither side always runs second on servers the other has just loaded.
import { compare, merge, throughputOf, type Measured } from '../../bench/load';
import { judged, printTable, row, type Result } from '../../bench/report';
import { withBaseline } from '../../bench/growth';
import { cpuFloorMs } from '../../bench/cpu';

test('baseline and subject alternate who goes first, round by round, each op index once per side', async () => {
  const log: string[] = [];
  const side = (name: string) => async (i: number) => void log.push(`${name}${i}`);
  const c = await compare({
    ops: 8,
    concurrency: 1,
    rounds: 4,
    baseline: side('B'),
    subject: side('S'),
    settle: async () => void log.push('|'),
  });
  expect(log.join(' ')).toBe('B0 B1 | S0 S1 | S2 S3 | B2 B3 | B4 B5 | S4 S5 | S6 S7 | B6 B7 |');
  expect(c.baseline.ops).toBe(8);
  expect(c.subject.ops).toBe(8);
});

test('an uneven count leaves the last round short, on both sides alike', async () => {
  const seen = { B: 0, S: 0 };
  await compare({
    ops: 5,
    concurrency: 2,
    rounds: 2,
    baseline: async () => void seen.B++,
    subject: async () => void seen.S++,
  });
  expect(seen).toEqual({ B: 5, S: 5 });
});

test("each side keeps its rounds' throughputs in the order run, so one stalled round shows as such", async () => {
  // Measured parts as runOps returns them: 10 operations each, the second round stalled (1 s against 0.1 s).
  const part = (wallMs: number, errors = 0): Measured => ({
    ops: 10,
    concurrency: 1,
    wallMs,
    latencies: [],
    errors,
    firstError: null,
  });
  const merged = merge([part(100), part(1000), part(125, 5)]);
  expect(merged.rounds).toEqual([100, 10, 40]);
  expect(throughputOf(merged)).toBeCloseTo(25 / 1.225);
  expect(row('r', merged).round_throughputs).toEqual([100, 10, 40]);
  // compare keeps one entry per round on each side, whatever the timing.
  const c = await compare({ ops: 30, concurrency: 1, rounds: 3, baseline: async () => {}, subject: async () => {} });
  expect(c.baseline.rounds).toHaveLength(3);
  expect(c.subject.rounds).toHaveLength(3);
});

test("a burst's CPU floor is all its processes' CPU spread over the cores", () => {
  // 1.5 s of CPU across five processes on 2 cores: no schedule could finish that work in under 750 ms.
  const sample = { api: 100, worker: 600, temporal: 500, postgres: 250, client: 50 };
  expect(cpuFloorMs(sample, 2)).toBe(750);
  expect(cpuFloorMs(sample, 1)).toBe(1500);
  expect(cpuFloorMs({}, 2)).toBe(0);
});

test("a compared row carries the CPU ratio: the baseline's CPU per operation over its own", () => {
  const m = (ops: number, wallMs: number): Measured => ({
    ops,
    concurrency: 1,
    wallMs,
    latencies: [10, 20],
    errors: 0,
    firstError: null,
  });
  // The baseline: 100 ops for 4 s of CPU (40 ms each); ours: 100 ops for 8 s (80 ms each) → 0.5.
  const c = {
    baseline: m(100, 1000),
    subject: m(100, 1500),
    cpu: { baseline: { worker: 3000, temporal: 1000 }, subject: { worker: 5000, temporal: 3000 } },
  };
  const [base, subject] = judged('b', 's', c, { throughput: 0.6 });
  expect(subject.cpu_ratio).toBe(0.5);
  expect(subject.ratio).toBeCloseTo(0.67, 2);
  expect(base.cpu_ratio).toBeUndefined();
  // Without CPU figures (a configured server's processes are not ours to meter) there is none.
  expect(
    judged('b', 's', { baseline: c.baseline, subject: c.subject }, { throughput: 0.6 })[1].cpu_ratio,
  ).toBeUndefined();
});

test("a burst row says whether the bare engine's burst of the same size met the same absolute target", () => {
  const burst = (name: string, ops: number, p99: number | null): Result => ({
    name,
    ops,
    concurrency: null,
    throughput: null,
    p50_ms: null,
    p99_ms: p99,
    baseline: null,
    ratio: null,
    target: null,
    met: null,
  });
  const ours = { ...burst('timers', 100, 1200), met: false };
  // The bare engine in time: the miss is ours.
  const beside = withBaseline(ours, burst('bare', 100, 900), 100);
  expect(beside).toMatchObject({ baseline: 'bare', p99_ratio: 1.33, baseline_met: true, met: false });
  // The bare engine late too, or with deadlines unwritten: the machine is short, and the row says so.
  expect(withBaseline(ours, burst('bare', 100, 1500), 100).baseline_met).toBe(false);
  expect(withBaseline(ours, burst('bare', 97, 400), 100).baseline_met).toBe(false);
  expect(withBaseline(ours, burst('bare', 100, null), 100).baseline_met).toBe(false);
  const lines: string[] = [];
  printTable([{ ...beside, target: 'p99 lateness ≤ 1000 ms' }], (l) => lines.push(l));
  expect(lines[1]).toContain('MISSED (the baseline: met)');
});
