// The responsibility list (责任清单) that accountability records cite. The list itself ships with migration
// 0004; codes are '<organization_kind>.<duty>'.
import type { DeadlineKind, OrganizationKind } from '../../domain/types';
import type { Queryable } from '../pool';

export interface ResponsibilityDuty {
  code: string;
  organizationKind: OrganizationKind;
  titleZh: string;
  titleEn: string;
  description: string | null;
}

/**
 * The duty a missed deadline breaches for an organisation of this kind, e.g. ('property_company', 'response')
 * → 'property_company.respond_in_time'. Null when the list names no such duty: the evaluation window is the
 * resident's, and supervisors' duties are not deadline duties.
 */
export function breachDutyCode(kind: OrganizationKind, deadlineKind: DeadlineKind): string | null {
  const handlerKinds: OrganizationKind[] = [
    'property_company',
    'owners_committee',
    'resident_association',
    'functional_department',
  ];
  if (!handlerKinds.includes(kind)) return null;
  if (deadlineKind === 'response') return `${kind}.respond_in_time`;
  if (deadlineKind === 'resolution') return `${kind}.resolve_in_time`;
  return null;
}

export async function listResponsibilityDuties(
  db: Queryable,
  filter: { organizationKind?: OrganizationKind } = {},
): Promise<ResponsibilityDuty[]> {
  const { rows } = await db.query<ResponsibilityDuty>(
    `SELECT code, organization_kind AS "organizationKind", title_zh AS "titleZh", title_en AS "titleEn", description
       FROM responsibility_duties WHERE ($1::text IS NULL OR organization_kind = $1) ORDER BY code`,
    [filter.organizationKind ?? null],
  );
  return rows;
}
