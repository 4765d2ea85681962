// The bench's paired measurement (bench/load.ts compare), pure: no servers. Each side gets the same operations, in
// rounds whose order alternates, so that neither side always runs second on servers the other has just loaded.
import { compare } from '../../bench/load';

test('baseline and subject alternate who goes first, round by round, each op index once per side', async () => {
  const log: string[] = [];
  const side = (name: string) => async (i: number) => void log.push(`${name}${i}`);
  const c = await compare({ ops: 8, concurrency: 1, rounds: 4, baseline: side('B'), subject: side('S'), settle: async () => void log.push('|') });
  expect(log.join(' ')).toBe('B0 B1 | S0 S1 | S2 S3 | B2 B3 | B4 B5 | S4 S5 | S6 S7 | B6 B7 |');
  expect(c.baseline.ops).toBe(8);
  expect(c.subject.ops).toBe(8);
});

test('an uneven count leaves the last round short, on both sides alike', async () => {
  const seen = { B: 0, S: 0 };
  await compare({ ops: 5, concurrency: 2, rounds: 2, baseline: async () => void seen.B++, subject: async () => void seen.S++ });
  expect(seen).toEqual({ B: 5, S: 5 });
});

test("each side keeps its rounds' throughputs in the order run, so one stalled round shows as such", async () => {
  let round = 0;
  const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  // The subject's second round stalls: 20 ms an operation against 2.
  const c = await compare({
    ops: 30,
    concurrency: 1,
    rounds: 3,
    baseline: () => wait(2),
    subject: (i) => wait(i >= 10 && i < 20 ? 20 : 2),
    settle: async () => void round++,
  });
  expect(c.subject.rounds).toHaveLength(3);
  const [first, stalled, third] = c.subject.rounds!;
  expect(stalled).toBeLessThan(first / 3);
  expect(stalled).toBeLessThan(third / 3);
  expect(Math.min(...c.baseline.rounds!)).toBeGreaterThan(stalled * 3);
  expect(round).toBe(6);
});
