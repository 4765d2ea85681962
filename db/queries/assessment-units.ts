// The units of an assessment (考核): who is assessed in a period, under which terms and weights, and by whom.
import { assessmentTermsOf, type AssessedKind } from '../../domain/assessment';
import { addCalendarDays } from '../../domain/calendar';
import type { AgreementTerms, AssessmentTerms, AssessmentWeights } from '../../domain/types';
import type { Queryable } from '../pool';
import type { Period } from './period';

/**
 * Who is assessed, under which terms, by whom. A property company or owners' committee is assessed under its
 * compound's agreement (the agreement gives 考核权 to its community committee); a resident association by its
 * community committee and a functional department by the organisation department, with the district's weights for
 * their kind (assessment_kind_terms).
 */
export interface AssessmentUnit {
  organizationId: string;
  organizationKind: AssessedKind;
  agreementId: string | null;
  /** The agreement's compound: only its cases count. Null: every case first dispatched to the organisation. */
  compoundCode: string | null;
  communityOrgId: string | null;
  assessorOrgId: string;
  weights: AssessmentWeights;
  terms: AssessmentTerms;
}

interface UnitRow {
  organizationId: string;
  organizationKind: AssessedKind;
  agreementId: string | null;
  compoundCode: string | null;
  communityOrgId: string | null;
  assessorOrgId: string;
  agreementTerms: Omit<AgreementTerms, 'id'> | null;
  kindWeights: AssessmentWeights;
  kindMinEvaluated: number;
}

/**
 * The units of a period. For agreement units the agreement is the one in force on the last day of the period, the
 * terms the parties had agreed by the time they are assessed; a compound with no agreement then has no
 * assessment of its company or owners' committee (the power to assess comes from the agreement).
 */
export async function assessmentUnits(db: Queryable, period: Period): Promise<AssessmentUnit[]> {
  const { rows } = await db.query<UnitRow>(
    `WITH ag AS (
       SELECT DISTINCT ON (a.compound_code) a.* FROM agreements a
        WHERE a.valid_from <= $1::date AND (a.valid_to IS NULL OR a.valid_to > $1::date)
        ORDER BY a.compound_code, a.valid_from DESC, a.version DESC
     ), units AS (
       SELECT ag.property_company_org_id AS org, ag.id AS agreement, ag.compound_code AS compound,
              ag.community_org_id AS community, ag.community_org_id AS assessor, ag.terms FROM ag
       UNION ALL
       SELECT ag.owners_committee_org_id, ag.id, ag.compound_code, ag.community_org_id, ag.community_org_id, ag.terms
         FROM ag WHERE ag.owners_committee_org_id IS NOT NULL
       UNION ALL
       SELECT o.id, NULL, NULL, o.parent_id, o.parent_id, NULL FROM organizations o
        WHERE o.kind = 'resident_association' AND o.parent_id IS NOT NULL
       UNION ALL
       SELECT o.id, NULL, NULL, NULL,
              COALESCE(o.supervised_by, (SELECT d.id FROM organizations d WHERE d.kind = 'organization_department' ORDER BY d.id LIMIT 1)), NULL
         FROM organizations o WHERE o.kind = 'functional_department'
     )
     SELECT u.org AS "organizationId", o.kind AS "organizationKind", u.agreement AS "agreementId", u.compound AS "compoundCode",
            u.community AS "communityOrgId", u.assessor AS "assessorOrgId", u.terms AS "agreementTerms",
            k.weights AS "kindWeights", k.min_evaluated AS "kindMinEvaluated"
       FROM units u
       JOIN organizations o ON o.id = u.org
       JOIN assessment_kind_terms k ON k.organization_kind = o.kind
      WHERE u.assessor IS NOT NULL
      ORDER BY o.kind, u.org, u.compound NULLS FIRST`,
    [addCalendarDays(period.to, -1)],
  );
  return rows.map(unitOf);
}

function unitOf(r: UnitRow): AssessmentUnit {
  const agreed = r.agreementTerms?.assessment;
  const terms = assessmentTermsOf({ minEvaluated: r.kindMinEvaluated, ...agreed });
  // The agreement's weights are the company's; the owners' committee has its own, in the agreement or the district's.
  const weights =
    r.organizationKind === 'property_company' && r.agreementTerms
      ? r.agreementTerms.weights
      : r.organizationKind === 'owners_committee'
        ? (agreed?.ownersCommitteeWeights ?? r.kindWeights)
        : r.kindWeights;
  const { agreementTerms: _t, kindWeights: _w, kindMinEvaluated: _m, ...unit } = r;
  return { ...unit, weights, terms };
}

/** A unit's key within a period: the same organisation may be assessed under two compounds' agreements. */
export const unitKey = (u: Pick<AssessmentUnit, 'organizationId' | 'agreementId'>): string =>
  `${u.organizationId}|${u.agreementId ?? ''}`;

/** The units a scheduled run has already stored for the period (a scheduled run stores each unit once). */
export async function scheduledUnits(db: Queryable, period: Period): Promise<Set<string>> {
  const { rows } = await db.query<{ organizationId: string; agreementId: string | null }>(
    `SELECT DISTINCT organization_id AS "organizationId", agreement_id AS "agreementId" FROM assessments
      WHERE period_start = $1::date AND period_end = $2::date AND computed_by = 'schedule'`,
    [period.from, period.to],
  );
  return new Set(rows.map(unitKey));
}
