// Routing (民意收集 → 响应处理): category + compound → who handles and who supervises, and the terms the case
// runs under. The compound's agreement names the handler; a category whose default handler is a functional
// department (e.g. illegal construction → urban management) goes straight to its owning department. Every
// category's owning department is also where a breach at street level is forwarded to.
import type { CaseIntake, CaseTerms, SupervisionChain } from './case-state';
import {
  DEFAULT_EVALUATION_WINDOW,
  DEFAULT_FAIRNESS,
  DEFAULT_REMINDER_POINTS,
  DEFAULT_REWORK_LIMIT,
  deadlinesFor,
} from './calendar';
import type { AgreementTerms, CalendarData, HandlerKind, Tier } from './types';

export interface RoutingInput {
  category: { code: string; tier: Tier; defaultHandlerKind: HandlerKind; ownerDepartmentId: string | null };
  compound: { code: string; communityOrgId: string; propertyCompanyOrgId: string; ownersCommitteeOrgId: string | null };
  chain: SupervisionChain;
  agreement: AgreementTerms | null;
  /** The regulator a breached case is forwarded to when the category names no department (住建 for property services). */
  regulatorDepartmentId: string;
  /** Organisations of the compound by kind, for categories handled by the owners' committee or an association. */
  residentAssociationOrgId?: string | null;
}

export type RoutingResult =
  | { ok: true; handlerOrgId: string; departmentOrgId: string; terms: CaseTerms; direct: boolean }
  | { ok: false; reason: string };

export function termsFor(tier: Tier, categoryCode: string, agreement: AgreementTerms | null): CaseTerms {
  return {
    agreementId: agreement?.id ?? null,
    phase: deadlinesFor(tier, categoryCode, agreement),
    reminderPoints: agreement?.reminderPoints ?? [...DEFAULT_REMINDER_POINTS],
    evaluationWindow: agreement?.evaluationWindow ?? DEFAULT_EVALUATION_WINDOW,
    reworkLimit: agreement?.reworkLimit ?? DEFAULT_REWORK_LIMIT,
    fairness: { ...DEFAULT_FAIRNESS, ...agreement?.fairness },
  };
}

export function route(r: RoutingInput): RoutingResult {
  const terms = termsFor(r.category.tier, r.category.code, r.agreement);
  const departmentOrgId = r.category.ownerDepartmentId ?? r.regulatorDepartmentId;
  if (r.category.defaultHandlerKind === 'functional_department') {
    if (!r.category.ownerDepartmentId)
      return { ok: false, reason: `类别 ${r.category.code} 未指定职能部门 (the category names no department)` };
    return { ok: true, handlerOrgId: r.category.ownerDepartmentId, departmentOrgId, terms, direct: true };
  }
  const byKind: Record<HandlerKind, string | null | undefined> = {
    property_company: r.compound.propertyCompanyOrgId,
    owners_committee: r.compound.ownersCommitteeOrgId,
    resident_association: r.residentAssociationOrgId,
    functional_department: null,
  };
  const handlerOrgId = byKind[r.category.defaultHandlerKind] ?? r.compound.propertyCompanyOrgId;
  return { ok: true, handlerOrgId, departmentOrgId, terms, direct: false };
}

export function buildIntake(
  base: Omit<CaseIntake, 'handlerOrgId' | 'departmentOrgId' | 'terms' | 'calendar' | 'chain' | 'tier'>,
  r: RoutingInput,
  calendar: CalendarData,
): CaseIntake | { error: string } {
  const routed = route(r);
  if (!routed.ok) return { error: routed.reason };
  // A department's own case starts at community level like any other: the department handles, the community
  // committee supervises and follows up, and a breach climbs the same ladder.
  return {
    ...base,
    tier: r.category.tier,
    chain: r.chain,
    handlerOrgId: routed.handlerOrgId,
    departmentOrgId: routed.departmentOrgId,
    terms: routed.terms,
    calendar,
  };
}
