// Reads and intake writes of the `cases` projection and its `case_events` timeline.
import type { Pool } from 'pg';
import type { CaseIntake } from '../../domain/case-state';
import type { Queryable } from '../pool';

export interface CaseRowInput {
  intake: CaseIntake;
  req: {
    location: object;
    description: string;
    contactPreference?: string | null;
    photos?: string[];
    contact: { name?: string | null; phone?: string | null };
    intakeKey?: string | null;
  };
}

/** Inserts the case as submitted; false when a row with the same intake key already exists. */
export async function insertCase(db: Queryable, { intake: i, req }: CaseRowInput): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO cases (id, tracking_code, workflow_id, intake_key, category_code, compound_code, household_id,
        resident_user_id, resident_name, resident_phone, location, description, contact_preference, photos,
        status, stage, level, handler_org_id, supervisor_org_id, community_org_id, street_org_id, intake, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'submitted', 'collect', 'community_committee',
        $15, $16, $16, $17, $18, $19)
     ON CONFLICT (intake_key) DO NOTHING`,
    [
      i.caseId, i.trackingCode, `case-${i.caseId}`, req.intakeKey ?? null, i.categoryCode, i.compoundCode, i.householdId,
      i.residentUserId, req.contact.name ?? null, req.contact.phone ?? null, JSON.stringify(req.location), req.description,
      req.contactPreference ?? null, JSON.stringify(req.photos ?? []), i.handlerOrgId, i.chain.communityOrgId,
      i.chain.streetOrgId, JSON.stringify(i), new Date(i.submittedAt),
    ],
  );
  return rowCount === 1;
}

export async function findCaseByIntakeKey(db: Queryable, intakeKey: string): Promise<{ intake: CaseIntake; workflowStarted: boolean } | null> {
  const { rows } = await db.query<{ intake: CaseIntake; workflow_started: boolean }>(
    'SELECT intake, workflow_started FROM cases WHERE intake_key = $1',
    [intakeKey],
  );
  return rows[0] ? { intake: rows[0].intake, workflowStarted: rows[0].workflow_started } : null;
}

export async function markWorkflowStarted(db: Pool, caseId: string): Promise<void> {
  await db.query('UPDATE cases SET workflow_started = true WHERE id = $1 AND NOT workflow_started', [caseId]);
}

/** Cases whose workflow start was never confirmed, oldest first (the reconciler's work list). */
export async function listUnstartedCases(db: Queryable, olderThanMs: number, limit = 100): Promise<CaseIntake[]> {
  const { rows } = await db.query<{ intake: CaseIntake }>(
    `SELECT intake FROM cases
      WHERE NOT workflow_started AND intake IS NOT NULL AND created_at < now() - make_interval(secs => $1::float8 / 1000)
      ORDER BY created_at LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows.map((r) => r.intake);
}

export interface CaseEventRow {
  seq: number;
  type: string;
  actor: Record<string, unknown>;
  at: Date;
  payload: Record<string, unknown>;
  requestId: string | null;
}

export async function listCaseEvents(db: Queryable, caseId: string): Promise<CaseEventRow[]> {
  const { rows } = await db.query<CaseEventRow>(
    `SELECT seq, type, actor, at, payload, request_id AS "requestId" FROM case_events WHERE case_id = $1 ORDER BY seq`,
    [caseId],
  );
  return rows;
}

export async function getCaseRow(db: Queryable, caseId: string): Promise<Record<string, unknown> | null> {
  const { rows } = await db.query('SELECT * FROM cases WHERE id = $1', [caseId]);
  return rows[0] ?? null;
}
