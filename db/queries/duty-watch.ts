// What the duty watch reads and writes (services/duty-watch.ts, domain/duty-watch.ts): the follow-ups assigned and
// the cases reported to the organisation department, each with what followed; and the records of the missed ones.
import type { FollowUpOwner } from '../../domain/actions';
import { DEFAULT_ASSESSMENT_TERMS } from '../../domain/assessment';
import type { DutyStart, WatchedDuty } from '../../domain/duty-watch';
import type { Duration, Level, OrganizationKind } from '../../domain/types';
import type { Queryable } from '../pool';

export interface WatchedStart extends DutyStart {
  level: Level;
  communityOrgId: string;
  owner: FollowUpOwner | null;
  memberOrg: { id: string; kind: OrganizationKind } | null;
  /** For a forward: the organisation department the case was reported to. */
  reportedTo: string | null;
}

interface Row {
  caseId: string;
  seq: number;
  type: 'follow_up_assigned' | 'reported';
  at: Date;
  level: Level;
  communityOrgId: string;
  closedAt: Date | null;
  doneAt: Date | null;
  supersededAt: Date | null;
  owner: FollowUpOwner | null;
  reportedTo: string | null;
  memberOrgId: string | null;
  memberOrgKind: OrganizationKind | null;
  followUpTime: Duration | null;
  decisionTime: Duration;
}

/** The dedupe key of a watched duty's record: one per start, however often the watch runs. */
export const watchKey = (caseId: string, seq: number, duty: WatchedDuty): string => `${caseId}:${seq}:${duty}`;

/**
 * Follow-ups assigned and manual reports (an automatic report is forwarded at once) since `since`, that no record
 * names yet. The follow-up time is the case's agreement's; the decision time is the one the case runs under.
 */
export async function watchedStarts(db: Queryable, since: Date): Promise<WatchedStart[]> {
  const { rows } = await db.query<Row>(
    `SELECT s.case_id AS "caseId", s.seq, s.type, s.at, c.level, c.community_org_id AS "communityOrgId", c.closed_at AS "closedAt",
            (SELECT min(e.at) FROM case_events e WHERE e.case_id = s.case_id AND e.seq > s.seq
                AND e.type = CASE s.type WHEN 'reported' THEN 'forwarded' ELSE 'follow_up_recorded' END) AS "doneAt",
            (SELECT min(e.at) FROM case_events e WHERE e.case_id = s.case_id AND e.seq > s.seq AND e.type = s.type) AS "supersededAt",
            s.payload->'owner' AS owner, s.payload->>'toOrgId' AS "reportedTo", po.id AS "memberOrgId", po.kind AS "memberOrgKind",
            ag.terms->'assessment'->'followUpTime' AS "followUpTime", c.intake->'terms'->'fairness'->'decisionTime' AS "decisionTime"
       FROM case_events s
       JOIN cases c ON c.id = s.case_id
       LEFT JOIN agreements ag ON ag.id = c.intake->'terms'->>'agreementId'
       LEFT JOIN people p ON s.payload->'owner'->>'kind' = 'party_member' AND p.id = s.payload->'owner'->>'id'
       LEFT JOIN organizations po ON po.id = p.organization_id
      WHERE s.type IN ('follow_up_assigned', 'reported') AND s.at >= $1
        AND (s.type = 'follow_up_assigned' OR s.payload->>'automatic' = 'false')
        AND NOT EXISTS (SELECT 1 FROM accountability_records r
                         WHERE r.dedupe_key = s.case_id || ':' || s.seq || ':' || CASE s.type WHEN 'reported' THEN 'forward' ELSE 'follow_up' END)
      ORDER BY s.at, s.case_id, s.seq`,
    [since],
  );
  return rows.map((r) => ({
    duty: r.type === 'reported' ? 'forward' : 'follow_up',
    caseId: r.caseId,
    seq: r.seq,
    at: r.at.getTime(),
    allowed: r.type === 'reported' ? r.decisionTime : (r.followUpTime ?? DEFAULT_ASSESSMENT_TERMS.followUpTime),
    doneAt: r.doneAt?.getTime() ?? null,
    supersededAt: r.supersededAt?.getTime() ?? null,
    closedAt: r.closedAt?.getTime() ?? null,
    level: r.level,
    communityOrgId: r.communityOrgId,
    owner: r.owner,
    memberOrg: r.memberOrgId && r.memberOrgKind ? { id: r.memberOrgId, kind: r.memberOrgKind } : null,
    reportedTo: r.reportedTo,
  }));
}

export interface MissedDuty {
  caseId: string;
  seq: number;
  duty: WatchedDuty;
  organizationId: string;
  level: Level;
  reason: string;
}

/**
 * Files the records once each (by dedupe key). The duty is named by the organisation's kind, as the case workflow's
 * records are; a kind whose list lacks it would be skipped, never refused (migration 0031 lists both for every Party
 * organisation kind). Returns how many were new.
 */
export async function recordMissedDuties(db: Queryable, missed: MissedDuty[]): Promise<number> {
  if (missed.length === 0) return 0;
  const rows = missed.map((m) => ({ ...m, dedupe_key: watchKey(m.caseId, m.seq, m.duty) }));
  const { rowCount } = await db.query(
    `INSERT INTO accountability_records (case_id, organization_id, duty_code, reason, source, deadline_kind, level, dedupe_key)
     SELECT r."caseId", o.id, d.code, r.reason, 'silence', r.duty, r.level, r.dedupe_key
       FROM jsonb_to_recordset($1::jsonb) AS r("caseId" uuid, duty text, "organizationId" text, level text, reason text, dedupe_key text)
       JOIN organizations o ON o.id = r."organizationId"
       JOIN responsibility_duties d ON d.code = o.kind || '.' || r.duty
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [JSON.stringify(rows)],
  );
  return rowCount ?? 0;
}
