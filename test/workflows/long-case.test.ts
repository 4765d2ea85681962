// A case that lives long and busy stays under Temporal's history limits: when the server suggests it
// (the test server does so after 400 events), the workflow continues as new with its state, and nothing is lost.
import { actors, assertGapFree, loop } from '../helpers/cases';
import { useLoopSuite } from '../helpers/loop-suite';
import { addInformationUpdate } from '../../workflows/messages';

const suite = useLoopSuite();

test('a busy case continues as new, keeps its state and request ids, and still completes', async () => {
  const l = loop(suite().t, suite().pool);
  const { caseId } = await l.file({ categoryCode: 'noise' });
  const handle = suite().t.client.workflow.getHandle(`case-${caseId}`);
  const firstRun = (await handle.describe()).runId;
  await l.act(caseId, actors.handler1, { type: 'acknowledge' }, 'long-ack');
  // An action that leaves the deadlines where they were adds 6 history events (its workflow task, the Update's
  // acceptance and completion, the local activity's marker; the deadline timer is kept): 80 pass 400.
  const INFO = 80;
  for (let i = 0; i < INFO; i++)
    await l.act(caseId, actors.resident1, { type: 'add_information', text: `补充说明 ${i}` }, `long-info-${i}`);
  const described = await handle.describe();
  expect(described.runId).not.toBe(firstRun);
  // A retry of a request applied in an earlier run is answered, not applied again.
  const retried = await l.act(caseId, actors.resident1, { type: 'add_information', text: '补充说明 0' }, 'long-info-0');
  expect(retried.events).toHaveLength(1);
  await l.act(caseId, actors.handler1, { type: 'resolve', summary: '已处理' });
  await l.act(caseId, actors.resident1, { type: 'evaluate', satisfaction: 'satisfied', solved: true });
  expect((await handle.result()).outcome).toBe('satisfied');
  const events = await l.events(caseId);
  assertGapFree(events);
  expect(events.filter((e) => e.type === 'information_added')).toHaveLength(INFO);
  expect(await l.row(caseId)).toMatchObject({ status: 'closed', outcome: 'satisfied', last_seq: events.length });
});

test('retried requests alone grow the history too: the case continues as new on them, and keeps waking on commits', async () => {
  // A retry commits nothing, so nothing wakes the main loop through a change; its condition sees Temporal's
  // suggestion to continue as new, or the run would grow until its next deadline or action.
  const l = loop(suite().t, suite().pool);
  const { caseId } = await l.file({ categoryCode: 'noise' });
  const handle = suite().t.client.workflow.getHandle(`case-${caseId}`);
  const firstRun = (await handle.describe()).runId;
  const first = await l.act(caseId, actors.resident1, { type: 'add_information', text: '补充说明' }, 'retried-info');
  // The same request under new Update ids (Temporal itself answers a repeated Update id without a task): each adds 5
  // history events (its workflow task, the Update's acceptance and completion), and 90 pass 400.
  for (let i = 0; i < 90; i++) {
    const args = {
      requestId: 'retried-info',
      actor: actors.resident1,
      action: { type: 'add_information' as const, text: '补充说明' },
    };
    const again = await handle.executeUpdate(addInformationUpdate, { args: [args], updateId: `retried-info-${i}` });
    expect(again.seq).toBe(first.seq);
  }
  const described = await handle.describe();
  expect(described.runId).not.toBe(firstRun);
  const history = await suite().t.client.workflow.getHandle(`case-${caseId}`, described.runId).fetchHistory();
  const payload = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
  const input = JSON.parse(Buffer.from(payload.data!).toString('utf8'));
  expect(input).toMatchObject({ state: { seq: first.seq } });
  await l.act(caseId, actors.handler1, { type: 'acknowledge' });
  await l.act(caseId, actors.handler1, { type: 'resolve', summary: '已处理' });
  await l.act(caseId, actors.resident1, { type: 'evaluate', satisfaction: 'satisfied', solved: true });
  expect((await handle.result()).outcome).toBe('satisfied');
  const events = await l.events(caseId);
  assertGapFree(events);
  expect(events.filter((e) => e.type === 'information_added')).toHaveLength(1);
});
