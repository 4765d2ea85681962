// The log of reads of a resident's unmasked personal data (migration 0041): written by the case reads before they
// answer, read back by the complainant ("谁查看了我的联系方式").
import type { Pool, PoolClient } from 'pg';
import type { Queryable } from '../pool';

export interface PersonalDataView {
  caseId: string;
  viewerUserId: string;
  viewerRole: string;
  viewerOrganizationId: string | null;
  fields: string[];
  requestId: string | null;
}

// Named: every read by a handler or community committee of a case writes one, so each connection plans it once.
const INSERT_VIEW = `
  INSERT INTO personal_data_views (case_id, viewer_user_id, viewer_role, viewer_organization_id, fields, request_id)
  VALUES ($1, $2, $3, $4, $5, $6)`;

/** One row, awaited by the caller before it answers: a view that was shown is a view that was logged. */
export async function recordPersonalDataView(db: Pool | PoolClient, v: PersonalDataView): Promise<void> {
  await db.query({
    name: 'personal-data-view-insert',
    text: INSERT_VIEW,
    values: [v.caseId, v.viewerUserId, v.viewerRole, v.viewerOrganizationId, v.fields, v.requestId],
  });
}

/** Reads of one viewer with the same fields within one hour, as the complainant sees them: a page left open polls. */
export interface ContactViewRow {
  at: string;
  firstAt: string;
  reads: number;
  viewerRole: string;
  organizationId: string | null;
  organizationNameZh: string | null;
  organizationNameEn: string | null;
  /** The staff member's own name (they act in an official capacity); null for an API key or a staff account without one. */
  viewerNameZh: string | null;
  viewerNameEn: string | null;
  fields: string[];
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Newest first, at most `limit` groups. The viewer's user id never leaves this query. */
export async function listContactViews(db: Queryable, caseId: string, limit: number): Promise<ContactViewRow[]> {
  const { rows } = await db.query<ContactViewRow>(
    `SELECT ${iso('max(v.at)')} AS at, ${iso('min(v.at)')} AS "firstAt", count(*)::int AS reads,
            v.viewer_role AS "viewerRole", v.viewer_organization_id AS "organizationId",
            o.name_zh AS "organizationNameZh", o.name_en AS "organizationNameEn",
            p.name_zh AS "viewerNameZh", p.name_en AS "viewerNameEn", v.fields
       FROM personal_data_views v
       LEFT JOIN organizations o ON o.id = v.viewer_organization_id
       LEFT JOIN users u ON u.id = v.viewer_user_id
       LEFT JOIN people p ON p.id = u.person_id AND u.role <> 'resident'
      WHERE v.case_id = $1
      GROUP BY v.viewer_user_id, v.viewer_role, v.viewer_organization_id, o.name_zh, o.name_en, p.name_zh, p.name_en, v.fields,
               date_trunc('hour', v.at)
      ORDER BY max(v.at) DESC, v.viewer_user_id
      LIMIT $2`,
    [caseId, limit],
  );
  return rows;
}
