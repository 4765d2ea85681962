// Announces a change of the working-day calendar (an imported year, an override set or removed) to the open
// cases, through a workflow of its own (workflows/calendar-change-workflow.ts), once per change.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { calendarChangeWorkflow, calendarChangeWorkflowId } from '../workflows/calendar-change-workflow';

export async function announceCalendarChange(
  deps: { temporal: Client; taskQueue: string },
  change: { id: string; reason: string },
): Promise<void> {
  try {
    await deps.temporal.workflow.start(calendarChangeWorkflow, {
      workflowId: calendarChangeWorkflowId(change.id),
      taskQueue: deps.taskQueue,
      args: [{ changeId: change.id, reason: change.reason }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
