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
