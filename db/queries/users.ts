// Reads about users and people that the API needs beyond db/queries/reference.ts: the profile behind /me, a
// resident's contact details and households (intake fills them in), whether a user id names a resident of a compound, and
// whether a person is a party member.
import type { OrganizationKind, Role } from '../../domain/types';
import type { Queryable } from '../pool';

export interface Profile {
  id: string;
  username: string;
  role: Role;
  organizationId: string | null;
  personId: string | null;
  phone: string | null;
  nameZh: string | null;
  nameEn: string | null;
  organization: { id: string; kind: OrganizationKind; nameZh: string; nameEn: string } | null;
}

export async function getProfile(db: Queryable, userId: string): Promise<Profile | null> {
  const { rows } = await db.query<
    Omit<Profile, 'organization'> & {
      orgKind: OrganizationKind | null;
      orgNameZh: string | null;
      orgNameEn: string | null;
    }
  >(
    `SELECT u.id, u.username, u.role, u.organization_id AS "organizationId", u.person_id AS "personId",
            COALESCE(u.phone, p.phone) AS phone, p.name_zh AS "nameZh", p.name_en AS "nameEn",
            o.kind AS "orgKind", o.name_zh AS "orgNameZh", o.name_en AS "orgNameEn"
       FROM users u
       LEFT JOIN people p ON p.id = u.person_id
       LEFT JOIN organizations o ON o.id = u.organization_id
      WHERE u.id = $1 AND u.active`,
    [userId],
  );
  const r = rows[0];
  if (!r) return null;
  const { orgKind, orgNameZh, orgNameEn, ...profile } = r;
  const organization =
    profile.organizationId && orgKind
      ? { id: profile.organizationId, kind: orgKind, nameZh: orgNameZh ?? '', nameEn: orgNameEn ?? '' }
      : null;
  return { ...profile, organization };
}

/**
 * An active resident account with a household in the compound: whom staff may file for there. One answer for an id
 * that does not exist, names no resident, or lives elsewhere, so intake cannot be used to probe which ids exist.
 */
export async function isResidentOfCompound(db: Queryable, userId: string, compoundCode: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM users u
       JOIN household_members m ON m.person_id = u.person_id
       JOIN households h ON h.id = m.household_id
      WHERE u.id = $1 AND u.role = 'resident' AND u.active AND h.compound_code = $2
      LIMIT 1`,
    [userId, compoundCode],
  );
  return rows.length > 0;
}

/** A person who is a party member (a follow-up owner must be one). */
export async function isPartyMember(db: Queryable, personId: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM people WHERE id = $1 AND kind = 'party_member'`, [personId]);
  return rows.length > 0;
}
