// The responsibility list (责任清单) that accountability records cite. The list itself ships with migrations 0004,
// 0030 and 0031 (the six areas of the Party organisations' eighteen duties); codes are '<organization_kind>.<duty>'.
import type { DeadlineKind, OrganizationKind } from '../../domain/types';
import type { Queryable } from '../pool';

export interface ResponsibilityArea {
  code: string;
  titleZh: string;
  titleEn: string;
}

export interface ResponsibilityDuty {
  code: string;
  organizationKind: OrganizationKind;
  titleZh: string;
  titleEn: string;
  description: string | null;
  /** One of the six areas for a Party organisation's duty; null for a handler's service duty. */
  area: ResponsibilityArea | null;
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
    `SELECT d.code, d.organization_kind AS "organizationKind", d.title_zh AS "titleZh", d.title_en AS "titleEn", d.description,
            CASE WHEN a.code IS NULL THEN NULL ELSE jsonb_build_object('code', a.code, 'titleZh', a.title_zh, 'titleEn', a.title_en) END AS area
       FROM responsibility_duties d LEFT JOIN responsibility_areas a ON a.code = d.area
      WHERE ($1::text IS NULL OR d.organization_kind = $1) ORDER BY d.organization_kind, d.sort, d.code`,
    [filter.organizationKind ?? null],
  );
  return rows;
}
