// Activities of the case workflow. Each is idempotent, keyed by case id + event seq, because Temporal
// retries an activity until it succeeds (the workflow's retry policy never gives up on a write).
import type { Pool } from 'pg';
import type { CaseEvent } from '../domain/actions';
import type { CaseProjection } from '../domain/case-view';
import { recordCaseEvents } from '../db/queries/case-events';
import { createAssessmentActivities } from './assessment';
import { notificationsFor } from './notifications';

export interface ActivityDeps {
  pool: Pool;
}

export interface RecordEventsInput {
  caseId: string;
  events: CaseEvent[];
  projection: CaseProjection;
}

export function createActivities({ pool }: ActivityDeps) {
  return {
    /** Appends the events, moves the projection forward, files accountability records and notifications: one statement. */
    async recordEvents({ caseId, events, projection }: RecordEventsInput): Promise<void> {
      await recordCaseEvents(pool, { caseId, events, projection, notifications: notificationsFor(caseId, events, projection) });
    },
    // The monthly assessment's activities (activities/assessment.ts) run on the same worker and task queue.
    ...createAssessmentActivities({ pool }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
