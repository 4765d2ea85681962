// The monthly assessment's Schedule, and starting an assessment by hand. ensureAssessmentSchedule runs at every
// start (scripts/system.ts) and is idempotent: it creates the Schedule when absent and leaves an existing one
// alone, so an operator's pause or edit in the Temporal UI survives a restart.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { ASSESSMENT_SCHEDULE_ID, assessmentWorkflow, assessmentWorkflowId } from '../workflows/assessment-workflow';

export async function ensureAssessmentSchedule(client: Client, taskQueue: string, scheduleId = ASSESSMENT_SCHEDULE_ID): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId,
      spec: {
        // The first working day of a month falls between the 1st and the 9th (after National Day); the workflow
        // itself checks the working-day calendar and computes on that day only.
        calendars: [{ dayOfMonth: { start: 1, end: 10 }, hour: 2, comment: '02:00 CST, days 1–10: the first working day computes the previous month' }],
        timezone: 'Asia/Shanghai',
      },
      action: { type: 'startWorkflow', workflowType: assessmentWorkflow, workflowId: scheduleId, taskQueue, args: [{}] },
      // A run missed while Temporal was down is still taken within ten days; it reads the scheduled time, not
      // its own clock, to decide whether that day was the first working day.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 days' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}

export interface StartAssessment {
  /** YYYY-MM */
  period: string;
  requestedBy: string;
  /** The caller's Idempotency-Key (or a fresh id): the same key never computes the period twice. */
  requestKey: string;
}

/** Starts the same workflow the Schedule runs, for one period; `started` is false for a repeated request. */
export async function startAssessment(client: Client, taskQueue: string, s: StartAssessment): Promise<{ workflowId: string; started: boolean }> {
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
