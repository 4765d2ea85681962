// "Me too" on the real stack (Postgres, Temporal, a worker, the API, the outbox dispatcher): three lift cases in one
// building of demo-fast; a resident about to file a fourth is offered them, follows one instead, and from then on is
// told what its complainant is told — the handler's resolution reaches their inbox — and may say it is not solved, which
// sends it back for rework; settling it as solved stays with its complainant.
import { startDispatcher, type Dispatcher } from '../../services/delivery/dispatcher';
import { inAppChannel } from '../../services/delivery/in-app-channel';
import { eventually } from '../helpers/cases';
import { as, DEMO, DEMO_USERS, intakeBody, startApiStack, testConfig, type ApiStack } from '../api/helpers';

let s: ApiStack;
let dispatcher: Dispatcher;
const seconds = (amount: number) => ({ unit: 'seconds', amount });
beforeAll(async () => {
  s = await startApiStack();
  // Seconds, as demo-fast is, but long enough that nothing breaches or lapses while the test acts.
  const phase = { response: seconds(300), resolution: seconds(600) };
  await s.pool.query(
    `UPDATE agreements SET terms = terms || jsonb_build_object('deadlines', $1::jsonb, 'evaluationWindow', $2::jsonb)
      WHERE compound_code = 'demo-fast'`,
    [
      JSON.stringify({ emergency: phase, utilities: phase, general: phase, complex: phase }),
      JSON.stringify(seconds(600)),
    ],
  );
  dispatcher = startDispatcher({
    pool: s.pool,
    config: testConfig(s.dataDir),
    channels: [inAppChannel()],
    log: () => undefined,
    intervalMs: 200,
  });
});
afterAll(async () => {
  await dispatcher?.stop();
  await s?.close();
});

type Notice = { caseId: string; template: string };

test('a resident offered the open lift cases follows one, hears of its resolution and may reopen it, not settle it', async () => {
  const resident1 = await as(s.app, 'resident1');
  const resident2 = await as(s.app, 'resident2');
  const filed: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await resident1.post(
      '/api/v1/cases',
      intakeBody({ compoundCode: DEMO.compound, categoryCode: 'lift', description: '1号楼电梯又停在三楼不动' }),
    );
    expect(res.statusCode).toBe(201);
    filed.push(res.json().caseId);
  }

  // About to file a fourth in building 1, resident2 is offered the three, newest first.
  const offered = await resident2.get(`/api/v1/cases/similar?compound=${DEMO.compound}&category=lift&building=1`);
  expect(offered.statusCode).toBe(200);
  const items = offered.json().items as { id: string; sameBuilding: boolean; following: boolean }[];
  expect(items.map((i) => i.id)).toEqual([...filed].reverse());
  expect(items.every((i) => i.sameBuilding && !i.following)).toBe(true);

  const followed = items[0].id;
  const follow = await resident2.post(`/api/v1/cases/${followed}/follow`);
  expect(follow.statusCode).toBe(200);
  expect(follow.json().following).toBe(true);
  expect((await resident2.get('/api/v1/cases')).json().items.map((c: { id: string }) => c.id)).toEqual([followed]);

  const handler1 = await as(s.app, 'handler1');
  expect((await handler1.act(followed, 'acknowledge', { note: '已联系电梯维保' })).statusCode).toBe(200);
  expect((await handler1.act(followed, 'resolve', { summary: '更换了门机板，电梯恢复运行' })).statusCode).toBe(200);

  // The resolution's notice reaches the follower's inbox, as it reaches the complainant's.
  const noticeOf = async (user: typeof resident1) =>
    ((await user.get('/api/v1/notifications?limit=50')).json().items as Notice[]).find(
      (n) => n.caseId === followed && n.template === 'case.please_evaluate',
    );
  await eventually(() => noticeOf(resident2), 30_000);
  expect(await noticeOf(resident1)).toBeDefined();

  // The follower may not settle the case for its complainant (one the handler asked to follow would)…
  const settled = await resident2.act(followed, 'evaluate', { satisfaction: 'satisfied', solved: true });
  expect(settled.statusCode).toBe(403);
  expect(settled.json().error.code).toBe('case.co_complainant_settles');
  // …but saying it is not solved sends it back for rework, as the complainant's word would.
  const unsolved = await resident2.act(followed, 'evaluate', { satisfaction: 'basically_satisfied', solved: false });
  expect(unsolved.statusCode).toBe(200);
  expect(unsolved.json().status).toBe('acknowledged');
  expect((await handler1.act(followed, 'resolve', { summary: '门机板再次调试，连续运行一周无故障' })).statusCode).toBe(
    200,
  );
  const closed = await resident1.act(followed, 'evaluate', { satisfaction: 'satisfied', solved: true });
  expect(closed.json().status).toBe('closed');
  const page = (await resident2.get(`/api/v1/cases/${followed}`)).json();
  expect(page.outcome).toBe('satisfied');
  const evaluations = page.timeline.filter((e: { type: string }) => e.type === 'evaluated');
  expect(evaluations.map((e: { actor: { userId: string } }) => e.actor.userId)).toEqual([
    DEMO_USERS.resident2,
    expect.any(String),
  ]);

  // The other two stay open and still offered; the closed one no longer is.
  const after = await resident2.get(`/api/v1/cases/similar?compound=${DEMO.compound}&category=lift&building=1`);
  expect(after.json().items.map((i: { id: string }) => i.id)).toEqual([filed[1], filed[0]]);
});
