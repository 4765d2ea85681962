// The monthly assessment (考核): a month's units are scored and stored once their outcomes are settled. A Schedule
// (services/assessment-schedule.ts) starts this workflow at 02:00 CST every day; the activities decide which month
// has units ready (every response and resolution deadline of their open cases passed, or the agreement's cut-off
// after the month) and the run stores those, or ends at once. Started by hand with a period, it computes that month
// as the cases stand then.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { AssessmentActivities } from '../activities/assessment';

export const ASSESSMENT_SCHEDULE_ID = 'monthly-assessment';

/** Manual runs: one workflow per period and request, so a retried request computes once. */
export const assessmentWorkflowId = (month: string, requestKey: string): string => `assessment-${month}-${requestKey}`;

export interface AssessmentWorkflowInput {
  /** YYYY-MM; absent when the Schedule starts the workflow. */
  period?: string;
  requestedBy?: string;
}

export interface AssessmentWorkflowResult {
  period: string | null;
  /** true when the Schedule fired and no month had a unit ready to assess. */
  skipped: boolean;
  assessmentIds: string[];
}

// Set by Temporal on every workflow a Schedule starts: the moment the action was due, which stays right when
// the run is late (a catch-up after downtime), unlike the workflow's own clock.
const scheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

const { periodToAssess, computeAssessments } = proxyActivities<AssessmentActivities>({
  startToCloseTimeout: '5 minutes',
  // Both activities are idempotent (see activities/assessment.ts); a database outage must delay, not lose, a month.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function assessmentWorkflow(input: AssessmentWorkflowInput = {}): Promise<AssessmentWorkflowResult> {
  let period = input.period ?? null;
  if (period === null) {
    const at = workflowInfo().typedSearchAttributes.get(scheduledStartTime)?.getTime() ?? Date.now();
    period = await periodToAssess({ at });
    if (period === null) return { period: null, skipped: true, assessmentIds: [] };
  }
  const { ids } = await computeAssessments({
    period,
    computationId: workflowInfo().workflowId,
    computedBy: input.requestedBy ?? 'schedule',
  });
  return { period, skipped: false, assessmentIds: ids };
}
