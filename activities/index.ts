// Activities of the case workflow. Each is idempotent, keyed by case id + event seq, because Temporal
// retries an activity until it succeeds or reports that it never can.
import { ApplicationFailure, log } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { CaseEvent } from '../domain/actions';
import type { CaseProjection } from '../domain/case-view';
import { sqlState } from '../db/errors';
import { recordCaseEvents } from '../db/queries/case-events';
import { recordWriteFailure } from '../db/queries/write-failures';
import { createAssessmentActivities } from './assessment';
import { createCalendarChangeActivities } from './calendar-changes';
import { notificationsFor } from './notifications';
import { createTopicActivities } from './topics';

export interface ActivityDeps {
  pool: Pool;
}

export interface RecordEventsInput {
  caseId: string;
  events: CaseEvent[];
  projection: CaseProjection;
}

/** SQLSTATE class 22 (data exception: NUL in text, an unpaired surrogate, …): the same write fails every time. */
const isDataError = (err: unknown): boolean => sqlState(err)?.startsWith('22') === true;

// NUL and unpaired surrogates are what PostgreSQL cannot store in text or jsonb; the API refuses both at the door.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const repairText = <T>(value: T): T =>
  JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' ? v.replace(UNSTORABLE, '\ufffd') : v)),
  ) as T;

export function createActivities({ pool }: ActivityDeps) {
  const write = (input: RecordEventsInput) =>
    recordCaseEvents(pool, { ...input, notifications: notificationsFor(input.caseId, input.events, input.projection) });
  return {
    /** Appends the events, moves the projection forward, files accountability records and notifications: one statement. */
    async recordEvents(input: RecordEventsInput): Promise<void> {
      try {
        await write(input);
      } catch (err) {
        if (!isDataError(err)) throw err;
        // Retrying for ever would freeze the case: store the batch with the unstorable text replaced, and say so.
        const failure = {
          caseId: input.caseId,
          fromSeq: input.events[0].seq,
          toSeq: input.events[input.events.length - 1].seq,
          sqlstate: sqlState(err)!,
          error: (err as Error).message,
        };
        log.error('case events refused as a data error; writing them with the text replaced', failure);
        try {
          await write(repairText(input));
          await recordWriteFailure(pool, { ...failure, repaired: true });
        } catch (again) {
          if (!isDataError(again)) throw again;
          await recordWriteFailure(pool, { ...failure, repaired: false });
          throw ApplicationFailure.nonRetryable(
            `case events ${failure.fromSeq}–${failure.toSeq} cannot be stored: ${(again as Error).message}`,
            'events.unstorable',
          );
        }
      }
    },
    // The monthly assessment's activities (activities/assessment.ts) run on the same worker and task queue.
    ...createAssessmentActivities({ pool }),
    ...createCalendarChangeActivities({ pool }),
    // Governance topics' workflow (workflows/topic-workflow.ts) writes through its own activity.
    ...createTopicActivities({ pool }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
