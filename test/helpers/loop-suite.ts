// A test file's own database, Temporal client and worker, with demo-fast's agreement optionally sped up
// (the file's database is its own, so changing the agreement there affects no other file).
import type { Pool } from 'pg';
import { connectTemporal, createTestDatabase, startWorker, type RunningWorker, type TestTemporal } from './stack';

export interface LoopSuite {
  pool: Pool;
  url: string;
  t: TestTemporal;
  w: RunningWorker;
}

/** Seconds for demo-fast's deadlines, and optionally its fairness terms (decision time, pause cap, top-rung cadence…). */
export interface FastTerms {
  response: number;
  resolution: number;
  evaluation: number;
  fairness?: Record<string, unknown>;
}

export function useLoopSuite(fast?: FastTerms): () => LoopSuite {
  const suite = {} as LoopSuite;
  beforeAll(async () => {
    const db = await createTestDatabase();
    suite.pool = db.pool;
    suite.url = db.url;
    if (fast) {
      const phase = {
        response: { unit: 'seconds', amount: fast.response },
        resolution: { unit: 'seconds', amount: fast.resolution },
      };
      const deadlines = { emergency: phase, utilities: phase, general: phase, complex: phase };
      await suite.pool.query(
        `UPDATE agreements SET terms = terms || jsonb_build_object('deadlines', $1::jsonb, 'evaluationWindow', $2::jsonb)
          WHERE compound_code = 'demo-fast'`,
        [JSON.stringify(deadlines), JSON.stringify({ unit: 'seconds', amount: fast.evaluation })],
      );
      if (fast.fairness) {
        await suite.pool.query(
          `UPDATE agreements SET terms = jsonb_set(terms, '{fairness}', coalesce(terms->'fairness', '{}') || $1::jsonb) WHERE compound_code = 'demo-fast'`,
          [JSON.stringify(fast.fairness)],
        );
      }
    }
    suite.t = await connectTemporal();
    suite.w = await startWorker(suite.t, suite.pool);
  });
  afterAll(async () => {
    await suite.w?.stop();
    await suite.t?.close();
    await suite.pool?.end();
  });
  return () => suite;
}
