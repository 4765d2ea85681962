// The monthly assessment's Schedule, and starting an assessment by hand. ensureAssessmentSchedule runs at every
// start (scripts/system.ts, worker/main.ts) and is idempotent: it creates the Schedule when absent and leaves an
// existing one alone, so an operator's pause or edit in the Temporal UI survives a restart — except the spec of
// releases before 0.3.0 (days 1–10 only), which is moved to every day: a month's cut-off can fall after the 10th.
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type ScheduleSpec,
} from '@temporalio/client';
import { ASSESSMENT_SCHEDULE_ID, assessmentWorkflow, assessmentWorkflowId } from '../workflows/assessment-workflow';

const COMMENT = '02:00 CST every day: each unit of the previous months is assessed once its outcomes are settled';
const SPEC: ScheduleSpec = { calendars: [{ hour: 2, comment: COMMENT }], timezone: 'Asia/Shanghai' };
const OLD_COMMENT = '02:00 CST, days 1–10: the first working day computes the previous month';

export async function ensureAssessmentSchedule(
  client: Client,
  taskQueue: string,
  scheduleId = ASSESSMENT_SCHEDULE_ID,
): Promise<'created' | 'exists' | 'updated'> {
  try {
    await client.schedule.create({
      scheduleId,
      spec: SPEC,
      action: {
        type: 'startWorkflow',
        workflowType: assessmentWorkflow,
        workflowId: scheduleId,
        taskQueue,
        args: [{}],
      },
      // A run missed while Temporal was down is still taken within ten days; the activities decide from the
      // scheduled time and the cases' deadlines, not from the run's own clock, what is ready.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 days' },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(scheduleId);
  const { spec } = await handle.describe();
  if (spec.calendars?.length !== 1 || spec.calendars[0].comment !== OLD_COMMENT) return 'exists';
  await handle.update((s) => ({ ...s, spec: SPEC }));
  return 'updated';
}

export interface StartAssessment {
  /** YYYY-MM */
  period: string;
  requestedBy: string;
  /** The caller's Idempotency-Key (or a fresh id): the same key never computes the period twice. */
  requestKey: string;
}

/** Starts the same workflow the Schedule runs, for one period; `started` is false for a repeated request. */
export async function startAssessment(
  client: Client,
  taskQueue: string,
  s: StartAssessment,
): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = assessmentWorkflowId(s.period, `${s.requestedBy}-${s.requestKey}`);
  try {
    await client.workflow.start(assessmentWorkflow, {
      workflowId,
      taskQueue,
      args: [{ period: s.period, requestedBy: s.requestedBy }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw err;
  }
}
