// Jurisdiction (DOMAIN.md "Fairness rules"): the organisations an action may name for a case are those that serve
// its compound or community. Functional departments serve the whole district.
import type { Queryable } from '../pool';

/** A handler a case may be re-routed to: of the compound or community, or a functional department. */
export async function servesAsHandler(db: Queryable, orgId: string, compoundCode: string, communityOrgId: string): Promise<boolean> {
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
export async function servesForFollowUp(db: Queryable, owner: { kind: 'grid_branch' | 'party_member'; id: string }, communityOrgId: string): Promise<boolean> {
  const { rows } =
    owner.kind === 'grid_branch'
      ? await db.query(`SELECT 1 FROM organizations WHERE id = $1 AND kind = 'grid_branch' AND parent_id = $2`, [owner.id, communityOrgId])
      : await db.query(
          `SELECT 1 FROM people p JOIN organizations o ON o.id = p.organization_id
            WHERE p.id = $1 AND p.kind = 'party_member' AND (o.id = $2 OR o.parent_id = $2)`,
          [owner.id, communityOrgId],
        );
  return rows.length > 0;
}
