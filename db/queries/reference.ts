// Reference data: organisations, compounds, agreements, categories, households, calendar overrides, users.
// Small parameterised reads that map rows to camelCase objects; every function takes a Pool or a PoolClient.
import type { AgreementTerms, HandlerKind, OrganizationKind, Role, Tier } from '../../domain/types';
import type { Queryable } from '../pool';
import { getApiKey, type ApiKey } from './api-keys';
import { listCalendarYears, type CalendarYearRow } from './calendar-years';
import { getSession, type SessionState } from './sessions';

export interface Organization {
  id: string;
  kind: OrganizationKind;
  parentId: string | null;
  supervisedBy: string | null;
  nameZh: string;
  nameEn: string;
}

export interface Category {
  code: string;
  nameZh: string;
  nameEn: string;
  tier: Tier;
  defaultHandlerKind: HandlerKind;
  /** The functional department at the top of the ladder for this category (null: none named). */
  ownerDepartmentId: string | null;
  icon: string | null;
  active: boolean;
  sort: number;
  /** A facility the whole compound shares (lift, gate…): duplicate hints look compound-wide (migration 0064). */
  sharedFacility: boolean;
}

export interface Compound {
  code: string;
  nameZh: string;
  nameEn: string;
  communityOrgId: string;
  propertyCompanyOrgId: string;
  ownersCommitteeOrgId: string | null;
  address: string | null;
}

/** Who supervises a community's cases on each rung of the escalation ladder. */
export interface SupervisionChain {
  communityOrgId: string;
  streetOrgId: string | null;
  organizationDepartmentId: string | null;
}

export interface PartyMember {
  personId: string;
  nameZh: string;
  nameEn: string;
  phone: string | null;
  organizationId: string | null;
}

export interface Household {
  id: string;
  compoundCode: string;
  building: string;
  unit: string;
  room: string;
  /** 党员联户: the party member linked to this household. */
  linkedPartyMember: PartyMember | null;
}

export interface CalendarOverride {
  /** YYYY-MM-DD */
  date: string;
  kind: 'holiday' | 'workday';
  note: string | null;
}

export interface User {
  id: string;
  username: string;
  passwordHash: string | null;
  role: Role;
  organizationId: string | null;
  personId: string | null;
  phone: string | null;
  active: boolean;
}

const ORGANIZATION_COLUMNS = `id, kind, parent_id AS "parentId", supervised_by AS "supervisedBy",
  name_zh AS "nameZh", name_en AS "nameEn"`;
const CATEGORY_COLUMNS = `code, name_zh AS "nameZh", name_en AS "nameEn", tier,
  default_handler_kind AS "defaultHandlerKind", owner_department_id AS "ownerDepartmentId", icon, active, sort,
  shared_facility AS "sharedFacility"`;
const COMPOUND_COLUMNS = `code, name_zh AS "nameZh", name_en AS "nameEn", community_org_id AS "communityOrgId",
  property_company_org_id AS "propertyCompanyOrgId", owners_committee_org_id AS "ownersCommitteeOrgId", address`;
const ACCOUNT_COLUMNS = `id, username, role, organization_id AS "organizationId", person_id AS "personId", phone, active`;
const USER_COLUMNS = `${ACCOUNT_COLUMNS}, password_hash AS "passwordHash"`;

async function one<T extends object>(db: Queryable, sql: string, values: unknown[]): Promise<T | null> {
  const { rows } = await db.query<T>(sql, values);
  return rows[0] ?? null;
}

export function getOrganization(db: Queryable, id: string): Promise<Organization | null> {
  return one(db, `SELECT ${ORGANIZATION_COLUMNS} FROM organizations WHERE id = $1`, [id]);
}

export async function listOrganizations(
  db: Queryable,
  filter: { kind?: OrganizationKind } = {},
): Promise<Organization[]> {
  const { rows } = await db.query<Organization>(
    `SELECT ${ORGANIZATION_COLUMNS} FROM organizations WHERE ($1::text IS NULL OR kind = $1) ORDER BY id`,
    [filter.kind ?? null],
  );
  return rows;
}

/**
 * Walks up the Party tree from a community committee. Null when the id is not a community committee; a missing
 * rung above it comes back null rather than failing, so a half-configured district still routes.
 */
export function getSupervisionChain(db: Queryable, communityOrgId: string): Promise<SupervisionChain | null> {
  return one(
    db,
    `SELECT c.id AS "communityOrgId", s.id AS "streetOrgId", d.id AS "organizationDepartmentId"
       FROM organizations c
       LEFT JOIN organizations s ON s.id = c.parent_id AND s.kind = 'street_committee'
       LEFT JOIN organizations d ON d.id = s.parent_id AND d.kind = 'organization_department'
      WHERE c.id = $1 AND c.kind = 'community_committee'`,
    [communityOrgId],
  );
}

export function getCategory(db: Queryable, code: string): Promise<Category | null> {
  return one(db, `SELECT ${CATEGORY_COLUMNS} FROM categories WHERE code = $1`, [code]);
}

export async function listCategories(db: Queryable, filter: { activeOnly?: boolean } = {}): Promise<Category[]> {
  const { rows } = await db.query<Category>(
    `SELECT ${CATEGORY_COLUMNS} FROM categories WHERE active OR NOT $1::boolean ORDER BY sort, code`,
    [filter.activeOnly ?? false],
  );
  return rows;
}

/** The functional department responsible for a category's cases once they leave the compound's own duties. */
export async function departmentForCategory(db: Queryable, categoryCode: string): Promise<string | null> {
  const row = await one<{ id: string | null }>(db, 'SELECT owner_department_id AS id FROM categories WHERE code = $1', [
    categoryCode,
  ]);
  return row?.id ?? null;
}

export function getCompound(db: Queryable, code: string): Promise<Compound | null> {
  return one(db, `SELECT ${COMPOUND_COLUMNS} FROM compounds WHERE code = $1`, [code]);
}

export async function listCompounds(db: Queryable, filter: { communityOrgId?: string } = {}): Promise<Compound[]> {
  const { rows } = await db.query<Compound>(
    `SELECT ${COMPOUND_COLUMNS} FROM compounds WHERE ($1::text IS NULL OR community_org_id = $1) ORDER BY code`,
    [filter.communityOrgId ?? null],
  );
  return rows;
}

/** The calendar date in China Standard Time (UTC+8, no daylight saving), which is what agreements are dated in. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * The agreement in force for a compound on a day (a Date, read in China time, or YYYY-MM-DD), in the domain
 * shape. valid_to is exclusive; if versions overlap, the one that started last wins, then the higher version.
 */
export async function getActiveAgreement(
  db: Queryable,
  compoundCode: string,
  atDate: Date | string,
): Promise<AgreementTerms | null> {
  const day = typeof atDate === 'string' ? atDate : chinaDate(atDate);
  const row = await one<{ id: string; terms: Omit<AgreementTerms, 'id'> }>(
    db,
    `SELECT id, terms FROM agreements
      WHERE compound_code = $1 AND valid_from <= $2::date AND (valid_to IS NULL OR valid_to > $2::date)
      ORDER BY valid_from DESC, version DESC LIMIT 1`,
    [compoundCode, day],
  );
  return row ? { id: row.id, ...row.terms } : null;
}

/** One agreement version by id, e.g. the one a running case was started under. */
export async function getAgreement(db: Queryable, id: string): Promise<AgreementTerms | null> {
  const row = await one<{ id: string; terms: Omit<AgreementTerms, 'id'> }>(
    db,
    'SELECT id, terms FROM agreements WHERE id = $1',
    [id],
  );
  return row ? { id: row.id, ...row.terms } : null;
}

const HOUSEHOLD_SELECT = `
  SELECT h.id, h.compound_code AS "compoundCode", h.building, h.unit, h.room,
         p.id AS "personId", p.name_zh AS "nameZh", p.name_en AS "nameEn", p.phone, p.organization_id AS "organizationId"
    FROM households h LEFT JOIN people p ON p.id = h.linked_party_member_id`;

interface HouseholdRow extends Omit<Household, 'linkedPartyMember'> {
  personId: string | null;
  nameZh: string | null;
  nameEn: string | null;
  phone: string | null;
  organizationId: string | null;
}

function toHousehold(row: HouseholdRow | null): Household | null {
  if (!row) return null;
  const { personId, nameZh, nameEn, phone, organizationId, ...household } = row;
  const linkedPartyMember =
    personId === null ? null : { personId, nameZh: nameZh ?? '', nameEn: nameEn ?? '', phone, organizationId };
  return { ...household, linkedPartyMember };
}

export async function getHousehold(db: Queryable, id: string): Promise<Household | null> {
  return toHousehold(await one<HouseholdRow>(db, `${HOUSEHOLD_SELECT} WHERE h.id = $1`, [id]));
}

/** The household a resident user belongs to (through their person record); the first by id if several. */
export async function findHouseholdForResident(db: Queryable, userId: string): Promise<Household | null> {
  const sql = `${HOUSEHOLD_SELECT}
    JOIN household_members m ON m.household_id = h.id
    JOIN users u ON u.person_id = m.person_id
   WHERE u.id = $1 ORDER BY h.id LIMIT 1`;
  return toHousehold(await one<HouseholdRow>(db, sql, [userId]));
}

/** Every household a resident user belongs to, by id (the web app prefills the intake form from them). */
export async function householdsOfResident(db: Queryable, userId: string): Promise<Household[]> {
  const sql = `${HOUSEHOLD_SELECT}
    JOIN household_members m ON m.household_id = h.id
    JOIN users u ON u.person_id = m.person_id
   WHERE u.id = $1 ORDER BY h.id`;
  const { rows } = await db.query<HouseholdRow>(sql, [userId]);
  return rows.map((r) => toHousehold(r) as Household);
}

/** Overrides with from <= date <= to (YYYY-MM-DD). Dates come back as text: a JS Date would shift them by zone. */
export async function listCalendarOverrides(db: Queryable, from: string, to: string): Promise<CalendarOverride[]> {
  const { rows } = await db.query<CalendarOverride>(
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, kind, note FROM calendar_overrides
      WHERE date BETWEEN $1::date AND $2::date ORDER BY date`,
    [from, to],
  );
  return rows;
}

export function getUserByUsername(db: Queryable, username: string): Promise<User | null> {
  return one(db, `SELECT ${USER_COLUMNS} FROM users WHERE username = $1`, [username]);
}

/** The active account signed in by this phone number (unique among active users). */
export function getUserByPhone(db: Queryable, phone: string): Promise<User | null> {
  return one(db, `SELECT ${USER_COLUMNS} FROM users WHERE phone = $1 AND active`, [phone]);
}

export function getUserById(db: Queryable, id: string): Promise<User | null> {
  return one(db, `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
}

/** An account as a request needs it: who, in which role and organisation, and whether it may still sign in. */
export type Account = Omit<User, 'passwordHash'>;

export interface PersonName {
  id: string;
  nameZh: string;
  nameEn: string;
}

/** What intake needs of the resident a case is for: how to reach them and their households (by id). */
export interface ResidentContact {
  nameZh: string | null;
  phone: string | null;
  households: { id: string; compoundCode: string }[];
}

/** An active user's contact and households in one round trip (null: no such active user). */
export async function getResidentContact(db: Queryable, userId: string): Promise<ResidentContact | null> {
  return one<ResidentContact>(
    db,
    `SELECT p.name_zh AS "nameZh", COALESCE(u.phone, p.phone) AS phone,
            COALESCE((SELECT json_agg(json_build_object('id', h.id, 'compoundCode', h.compound_code) ORDER BY h.id)
                        FROM household_members m JOIN households h ON h.id = m.household_id
                       WHERE m.person_id = u.person_id), '[]'::json) AS households
       FROM users u LEFT JOIN people p ON p.id = u.person_id
      WHERE u.id = $1 AND u.active`,
    [userId],
  );
}

/**
 * The reference reads that every request (the caller's account, names on a case) or every intake repeats.
 * `readThrough(db)` asks Postgres each time; db/reference-cache.ts remembers answers until Postgres reports a
 * change. Code that takes a `ReferenceReads` works the same with either.
 */
export interface ReferenceReads {
  account(id: string): Promise<Account | null>;
  apiKey(id: string): Promise<ApiKey | null>;
  /** Organisations by id; ids that do not exist are absent from the map. */
  organizations(ids: readonly string[]): Promise<Map<string, Organization>>;
  personNames(ids: readonly string[]): Promise<Map<string, PersonName>>;
  category(code: string): Promise<Category | null>;
  compound(code: string): Promise<Compound | null>;
  household(id: string): Promise<Household | null>;
  residentContact(userId: string): Promise<ResidentContact | null>;
  supervisionChain(communityOrgId: string): Promise<SupervisionChain | null>;
  /** The agreement in force for a compound on a CST day (YYYY-MM-DD), as getActiveAgreement. */
  activeAgreement(compoundCode: string, day: string): Promise<AgreementTerms | null>;
  calendarOverrides(from: string, to: string): Promise<CalendarOverride[]>;
  /** Every imported year's State Council notice (calendar_years: a few rows). */
  calendarYears(): Promise<CalendarYearRow[]>;
  /** A sign-in session, read by every request with a bearer token (revoked ones included). */
  session(id: string): Promise<SessionState | null>;
  /**
   * This process has just committed a change to `table` (to its row `id` only, when given): drop what may be stale
   * now. The notification would do it too, but it arrives on another connection a moment later, and the caller's
   * next request must not beat it.
   */
  changed(table: string, id?: string): void;
}

export function readThrough(db: Queryable): ReferenceReads {
  return {
    account: (id) => one(db, `SELECT ${ACCOUNT_COLUMNS} FROM users WHERE id = $1`, [id]),
    apiKey: (id) => getApiKey(db, id),
    organizations: async (ids) => {
      const { rows } = await db.query<Organization>(
        `SELECT ${ORGANIZATION_COLUMNS} FROM organizations WHERE id = ANY($1::text[])`,
        [[...new Set(ids)]],
      );
      return new Map(rows.map((o) => [o.id, o]));
    },
    personNames: async (ids) => {
      const { rows } = await db.query<PersonName>(
        'SELECT id, name_zh AS "nameZh", name_en AS "nameEn" FROM people WHERE id = ANY($1::text[])',
        [[...new Set(ids)]],
      );
      return new Map(rows.map((p) => [p.id, p]));
    },
    category: (code) => getCategory(db, code),
    compound: (code) => getCompound(db, code),
    household: (id) => getHousehold(db, id),
    residentContact: (userId) => getResidentContact(db, userId),
    supervisionChain: (communityOrgId) => getSupervisionChain(db, communityOrgId),
    activeAgreement: (compoundCode, day) => getActiveAgreement(db, compoundCode, day),
    calendarOverrides: (from, to) => listCalendarOverrides(db, from, to),
    calendarYears: () => listCalendarYears(db),
    session: (id) => getSession(db, id),
    changed: () => undefined,
  };
}
