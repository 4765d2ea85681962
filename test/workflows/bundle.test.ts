// What goes into the workflow bundle is evaluated in every workflow's sandbox, on every start and every replay.
// The holiday table (37 kB of JSON) is needed only at intake: a case's workflow gets its compact calendar in its
// intake. This keeps a later import from dragging it back in through some shared module.
import { bundleWorkflows } from '../../worker/worker';

test('the workflow bundle carries no holiday table', async () => {
  const { code } = await bundleWorkflows();
  expect(code).toContain('caseWorkflow');
  expect(code).not.toContain('chinese-days');
  expect(code).not.toContain('国庆节');
}, 60_000);
