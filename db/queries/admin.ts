// Admin changes to reference data. Each writer runs inside the caller's transaction together with its
// audit_log row (who, when, why, before and after), so a change is never made without its record.
import type { PoolClient } from 'pg';
import type { AgreementTerms } from '../../domain/types';
import type { Queryable } from '../pool';
import type { Category } from './reference';

export interface AuditEntry {
  actorUserId: string;
  action: string;
  entity: string;
  entityId: string;
  /** Null where the route asks for none (webhook endpoints: a staff member managing their own organisation's). */
  reason: string | null;
  before: unknown;
  after: unknown;
  requestId: string;
}

export async function insertAudit(client: PoolClient, e: AuditEntry): Promise<void> {
  await client.query(
    `INSERT INTO audit_log (actor_user_id, action, entity, entity_id, reason, before, after, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      e.actorUserId,
      e.action,
      e.entity,
      e.entityId,
      e.reason,
      JSON.stringify(e.before ?? null),
      JSON.stringify(e.after ?? null),
      e.requestId,
    ],
  );
}

/** Everything of a category but its code, which names it. */
export type CategoryFields = Omit<Category, 'code'>;

const CATEGORY_RETURNING = `code, name_zh AS "nameZh", name_en AS "nameEn", tier, default_handler_kind AS "defaultHandlerKind",
  owner_department_id AS "ownerDepartmentId", icon, active, sort, shared_facility AS "sharedFacility"`;

/** Locks the row, so two admins editing one category are applied one after the other, each audited. */
export async function lockCategory(client: PoolClient, code: string): Promise<Category | null> {
  const { rows } = await client.query<Category>(
    `SELECT ${CATEGORY_RETURNING} FROM categories WHERE code = $1 FOR UPDATE`,
    [code],
  );
  return rows[0] ?? null;
}

export async function writeCategory(client: PoolClient, code: string, f: CategoryFields): Promise<Category> {
  const { rows } = await client.query<Category>(
    `INSERT INTO categories (code, name_zh, name_en, tier, default_handler_kind, owner_department_id, icon, active, sort,
       shared_facility)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, tier = EXCLUDED.tier,
       default_handler_kind = EXCLUDED.default_handler_kind, owner_department_id = EXCLUDED.owner_department_id,
       icon = EXCLUDED.icon, active = EXCLUDED.active, sort = EXCLUDED.sort, shared_facility = EXCLUDED.shared_facility
     RETURNING ${CATEGORY_RETURNING}`,
    [
      code,
      f.nameZh,
      f.nameEn,
      f.tier,
      f.defaultHandlerKind,
      f.ownerDepartmentId,
      f.icon,
      f.active,
      f.sort,
      f.sharedFacility,
    ],
  );
  return rows[0];
}

export interface AgreementRow {
  id: string;
  compoundCode: string;
  communityOrgId: string;
  ownersCommitteeOrgId: string | null;
  propertyCompanyOrgId: string;
  terms: Omit<AgreementTerms, 'id'>;
  validFrom: string;
  validTo: string | null;
  version: number;
}

const AGREEMENT_COLUMNS = `id, compound_code AS "compoundCode", community_org_id AS "communityOrgId",
  owners_committee_org_id AS "ownersCommitteeOrgId", property_company_org_id AS "propertyCompanyOrgId", terms,
  to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo", version`;

export async function listAgreements(db: Queryable, compoundCode?: string): Promise<AgreementRow[]> {
  const { rows } = await db.query<AgreementRow>(
    `SELECT ${AGREEMENT_COLUMNS} FROM agreements WHERE ($1::text IS NULL OR compound_code = $1) ORDER BY compound_code, version`,
    [compoundCode ?? null],
  );
  return rows;
}

export async function getAgreementRow(db: Queryable, id: string): Promise<AgreementRow | null> {
  const { rows } = await db.query<AgreementRow>(`SELECT ${AGREEMENT_COLUMNS} FROM agreements WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/**
 * A renegotiated agreement is a new version (rows never change in place, see 0001): it starts on `validFrom`,
 * and earlier open versions end there. Running cases keep the terms they were filed under.
 */
export async function insertAgreementVersion(
  client: PoolClient,
  base: AgreementRow,
  terms: Omit<AgreementTerms, 'id'>,
  validFrom: string,
): Promise<AgreementRow> {
  // The compound's rows are locked so two revisions cannot both take the same next version number.
  const { rows: versions } = await client.query<{ max: number }>(
    'SELECT max(version) AS max FROM (SELECT version FROM agreements WHERE compound_code = $1 FOR UPDATE) v',
    [base.compoundCode],
  );
  const version = (versions[0]?.max ?? 0) + 1;
  const id = `agr-${base.compoundCode}-v${version}`;
  await client.query(
    `UPDATE agreements SET valid_to = $2::date
      WHERE compound_code = $1 AND valid_from < $2::date AND (valid_to IS NULL OR valid_to > $2::date)`,
    [base.compoundCode, validFrom],
  );
  await client.query(
    `INSERT INTO agreements (id, compound_code, community_org_id, owners_committee_org_id, property_company_org_id, terms, valid_from, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      id,
      base.compoundCode,
      base.communityOrgId,
      base.ownersCommitteeOrgId,
      base.propertyCompanyOrgId,
      JSON.stringify(terms),
      validFrom,
      version,
    ],
  );
  return (await getAgreementRow(client, id)) as AgreementRow;
}

export interface OverrideRow {
  date: string;
  kind: 'holiday' | 'workday';
  note: string | null;
}

export async function lockCalendarOverride(client: PoolClient, date: string): Promise<OverrideRow | null> {
  const { rows } = await client.query<OverrideRow>(
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, kind, note FROM calendar_overrides WHERE date = $1::date FOR UPDATE`,
    [date],
  );
  return rows[0] ?? null;
}

export async function writeCalendarOverride(client: PoolClient, o: OverrideRow, userId: string): Promise<OverrideRow> {
  const { rows } = await client.query<OverrideRow>(
    `INSERT INTO calendar_overrides (date, kind, note, created_by) VALUES ($1::date, $2, $3, $4)
     ON CONFLICT (date) DO UPDATE SET kind = EXCLUDED.kind, note = EXCLUDED.note, created_by = EXCLUDED.created_by
     RETURNING to_char(date, 'YYYY-MM-DD') AS date, kind, note`,
    [o.date, o.kind, o.note, userId],
  );
  return rows[0];
}

export async function deleteCalendarOverride(client: PoolClient, date: string): Promise<void> {
  await client.query('DELETE FROM calendar_overrides WHERE date = $1::date', [date]);
}
