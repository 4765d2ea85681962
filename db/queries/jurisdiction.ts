// Jurisdiction (DOMAIN.md "Fairness rules"): the organisations an action may name for a case are those that serve
// its compound or community. Functional departments serve the whole district.
import type { Queryable } from '../pool';

/** A handler a case may be re-routed to: of the compound or community, or a functional department. */
export async function servesAsHandler(
  db: Queryable,
  orgId: string,
  compoundCode: string,
  communityOrgId: string,
): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM organizations o
      WHERE o.id = $1 AND o.kind IN ('property_company', 'owners_committee', 'resident_association', 'functional_department')
        AND (o.kind = 'functional_department' OR o.parent_id = $3
             OR EXISTS (SELECT 1 FROM compounds c WHERE (c.code = $2 OR c.community_org_id = $3)
                          AND (c.property_company_org_id = o.id OR c.owners_committee_org_id = o.id)))`,
    [orgId, compoundCode, communityOrgId],
  );
  return rows.length > 0;
}

/** A follow-up owner: a grid branch of the community, or a party member of the community or one of its branches. */
export async function servesForFollowUp(
  db: Queryable,
  owner: { kind: 'grid_branch' | 'party_member'; id: string },
  communityOrgId: string,
): Promise<boolean> {
  const { rows } =
    owner.kind === 'grid_branch'
      ? await db.query(`SELECT 1 FROM organizations WHERE id = $1 AND kind = 'grid_branch' AND parent_id = $2`, [
          owner.id,
          communityOrgId,
        ])
      : await db.query(
          `SELECT 1 FROM people p JOIN organizations o ON o.id = p.organization_id
            WHERE p.id = $1 AND p.kind = 'party_member' AND (o.id = $2 OR o.parent_id = $2)`,
          [owner.id, communityOrgId],
        );
  return rows.length > 0;
}

/**
 * Whether staff of `orgId` may file a case about a compound (on a resident's behalf or not): the compound's property
 * company or owners' committee (on the compound or in the agreement in force), a resident association or grid branch
 * of its community, a Party organisation above it (community, street, organisation department), or a functional
 * department (they serve the whole district).
 */
export async function filesForCompound(db: Queryable, orgId: string, compoundCode: string): Promise<boolean> {
  const { rows } = await db.query(
    `WITH RECURSIVE c AS (SELECT * FROM compounds WHERE code = $2),
     above (id, parent_id) AS (
       SELECT o.id, o.parent_id FROM organizations o, c WHERE o.id = c.community_org_id
       UNION SELECT o.id, o.parent_id FROM organizations o JOIN above ON o.id = above.parent_id)
     SELECT 1 FROM organizations o, c
      WHERE o.id = $1
        AND (o.kind = 'functional_department'
             OR o.id IN (c.property_company_org_id, c.owners_committee_org_id)
             OR (o.kind IN ('resident_association', 'grid_branch') AND o.parent_id = c.community_org_id)
             OR o.id IN (SELECT id FROM above)
             OR EXISTS (SELECT 1 FROM agreements a
                         WHERE a.compound_code = c.code AND a.valid_from <= CURRENT_DATE
                           AND (a.valid_to IS NULL OR a.valid_to > CURRENT_DATE)
                           AND o.id IN (a.property_company_org_id, a.owners_committee_org_id)))`,
    [orgId, compoundCode],
  );
  return rows.length > 0;
}
