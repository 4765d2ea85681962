// The replay check's negative control: caseWorkflow with one unpatched change of the kind that breaks running cases —
// an activity scheduled before everything the recorded histories did. Replaying the corpus on this bundle must
// fail with a nondeterminism error (test/replay/replay.test.ts).
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../../activities';
import { caseWorkflow as recorded } from '../../../workflows/case-workflow';
import type { CaseWorkflowInput } from '../../../workflows/messages';

export { assessmentWorkflow } from '../../../workflows/assessment-workflow';
export { calendarChangeWorkflow } from '../../../workflows/calendar-change-workflow';
export { topicWorkflow } from '../../../workflows/topic-workflow';

const { periodToAssess } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });

export async function caseWorkflow(input: CaseWorkflowInput): ReturnType<typeof recorded> {
  await periodToAssess({ at: 0 });
  return recorded(input);
}
