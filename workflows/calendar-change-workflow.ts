// A calendar change reaches every open case: the calendar new cases now get is read once, then sent to each open
// case's workflow by Signal, a page at a time (calendar_changed; the case recomputes its running deadlines).
// A workflow rather than a loop in the API, so a change reaches every case even if a process dies halfway.
import { continueAsNew, getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CalendarData } from '../domain/types';
import { calendarChangedSignal, workflowIdFor } from './messages';

const { currentCalendar, openCaseIds } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** One workflow per change, so a retried announcement sends it once. */
export const calendarChangeWorkflowId = (changeId: string): string => `calendar-change-${changeId}`;

export interface CalendarChangeInput {
  changeId: string;
  reason: string;
  /** Carried over by continue-as-new: the same calendar for every case of one change, and where the pages got to. */
  calendar?: CalendarData;
  after?: string | null;
  sent?: number;
}

const PAGE = 200;
/** Pages per run: each signal adds two history events, so a run stays well inside Temporal's history limits. */
const PAGES_PER_RUN = 10;

export async function calendarChangeWorkflow(input: CalendarChangeInput): Promise<{ sent: number }> {
  const calendar = input.calendar ?? (await currentCalendar({ at: Date.now() }));
  const change = { changeId: input.changeId, reason: input.reason, calendar };
  let after = input.after ?? null;
  let sent = input.sent ?? 0;
  for (let page = 0; page < PAGES_PER_RUN; page++) {
    const ids = await openCaseIds({ after, limit: PAGE });
    if (ids.length === 0) return { sent };
    // A case that closed meanwhile has no deadline left to move.
    await Promise.all(
      ids.map((id) =>
        getExternalWorkflowHandle(workflowIdFor(id))
          .signal(calendarChangedSignal, change)
          .catch(() => undefined),
      ),
    );
    sent += ids.length;
    after = ids[ids.length - 1];
  }
  return continueAsNew<typeof calendarChangeWorkflow>({ ...input, calendar, after, sent });
}
