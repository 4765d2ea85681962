// The loop's vocabulary. Names follow the glossary in shared/DOMAIN.md: one name per concept,
// snake_case in SQL and on the wire for enum values, camelCase for TypeScript fields.

export const ORGANIZATION_KINDS = [
  'organization_department',
  'street_committee',
  'community_committee',
  'grid_branch',
  'property_company',
  'owners_committee',
  'resident_association',
  'functional_department',
] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const HANDLER_KINDS = [
  'property_company',
  'owners_committee',
  'resident_association',
  'functional_department',
] as const;
export type HandlerKind = (typeof HANDLER_KINDS)[number];

export const SUPERVISOR_KINDS = ['community_committee', 'street_committee', 'organization_department'] as const;
export type SupervisorKind = (typeof SUPERVISOR_KINDS)[number];

/** A signed-in user's role; staff roles follow their organisation's kind. */
export const ROLES = ['resident', 'handler', 'supervisor', 'party_member', 'admin', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** 民意收集 → 响应处理 → 跟踪督促 → 评估评价 → closed */
export const STAGES = ['collect', 'respond', 'follow_up', 'evaluate', 'closed'] as const;
export type Stage = (typeof STAGES)[number];

export const STATUSES = ['submitted', 'dispatched', 'acknowledged', 'returned', 'resolved', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

/** Where the case sits on the escalation ladder (who supervises it now). */
export const LEVELS = [
  'community_committee',
  'street_committee',
  'organization_department',
  'functional_department',
] as const;
export type Level = (typeof LEVELS)[number];

export const TIERS = ['emergency', 'utilities', 'general', 'complex'] as const;
export type Tier = (typeof TIERS)[number];

/** 满意 / 基本满意 / 不满意 */
export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

export const OUTCOMES = [
  'satisfied',
  'basically_satisfied',
  'unsatisfied',
  'not_evaluated',
  'withdrawn',
  'closed_by_supervisor',
  /** 不满意 past the rework limit, closed by the level above after verifying the demand unreasonable (诉求合理性核实). */
  'unsatisfied_unreasonable',
  /** 合并: closed as a duplicate of a primary case, whose progress its complainant follows. */
  'merged',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * response and resolution are the handler's; evaluation is the resident's window (or, for a case without a resident
 * account, the supervising committee's 回访); decision is the supervisor's time to decide a return or a pause.
 */
export const DEADLINE_KINDS = ['response', 'resolution', 'evaluation', 'decision'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];
/** The deadlines that bind the handler. */
export type HandlerDeadlineKind = 'response' | 'resolution';

/** Why a supervisor closes a case before it is resolved, or after verifying repeated dissatisfaction. */
export const CLOSE_GROUNDS = ['duplicate', 'invalid', 'resident_request', 'verified_unreasonable'] as const;
export type CloseGround = (typeof CLOSE_GROUNDS)[number];

/** How a 回访 evaluation reached the supervising committee. */
export const CALLBACK_CHANNELS = ['phone', 'visit'] as const;
export type CallbackChannel = (typeof CALLBACK_CHANNELS)[number];

/**
 * A length of time as an agreement states it. Hour tiers count clock time (an emergency does not wait for
 * Monday); day tiers count working days on the calendar; `seconds` is clock time for demos and tests.
 */
export type Duration =
  { unit: 'seconds'; amount: number } | { unit: 'hours'; amount: number } | { unit: 'working_days'; amount: number };

/** ISO date strings (YYYY-MM-DD, China Standard Time) that differ from the Monday–Friday rule. */
export interface CalendarData {
  /** Weekdays that are not worked: public holidays. */
  holidays: string[];
  /** Weekend days that are worked: 调休 make-up working days. */
  workdays: string[];
}

export interface PhaseDeadlines {
  response: Duration;
  resolution: Duration;
}

/** Assessment weights of a three-party agreement; they need not sum to 1 (scores are normalised). */
export interface AssessmentWeights {
  response: number;
  resolution: number;
  satisfaction: number;
  onTime: number;
}

/** The agreement terms behind the fairness rules (DOMAIN.md "Fairness rules"). */
export interface FairnessTerms {
  /** How long the supervisor has to decide a return (回退) or a pause request. */
  decisionTime: Duration;
  /** At most this many extensions per deadline… */
  extensionMaxCount: number;
  /** …moving it at most this far past its first due time in all. */
  extensionMaxTotal: Duration;
  /** The longest pause (挂起) while the case waits on the resident. */
  maxPause: Duration;
  /** At the top rung, the 督办 cadence: a missed one is a breach and another 催办. */
  topRungCadence: Duration;
  /** After this many missed cadences the case is listed in a public notice (通报). */
  noticeAfter: number;
}

/** The terms of a compound's three-party agreement (三方协议) that drive one case. */
export interface AgreementTerms {
  id: string;
  /** Deadlines per category tier. */
  deadlines: Record<Tier, PhaseDeadlines>;
  /** Per-category overrides, keyed by category code. */
  categoryDeadlines?: Record<string, PhaseDeadlines>;
  /** Fractions of each deadline's span at which a 催办 reminder goes out, e.g. [0.5, 0.75]. */
  reminderPoints: number[];
  evaluationWindow: Duration;
  /** How many times 不满意 may reopen a case for 重办. */
  reworkLimit: number;
  weights: AssessmentWeights;
  /** Absent: the reference terms (calendar.ts DEFAULT_FAIRNESS). */
  fairness?: Partial<FairnessTerms>;
  /** Read by the assessment and the duty watch, never by the case workflow. Absent: assessment.ts DEFAULT_ASSESSMENT_TERMS. */
  assessment?: Partial<AssessmentTerms>;
  /** The repeat-problem rule (重复问题), read at intake, never by the case workflow. Absent: hotspots.ts DEFAULT_GOVERNANCE_TERMS. */
  governance?: Partial<GovernanceTerms>;
}

/** 重复问题: the same category in the same building `repeatCount` times within `repeatWindowDays` days. */
export interface GovernanceTerms {
  repeatCount: number;
  /** Days of 24 hours, counted back from the filing of the latest case. */
  repeatWindowDays: number;
}

/** The agreement terms of the assessment (考核) and of the Party organisations' duties watched outside a case's clock. */
export interface AssessmentTerms {
  /** Fewer evaluated cases than this and the assessment says "insufficient data" instead of a score. */
  minEvaluated: number;
  /** The longest the month's assessment waits, after the month ends, for its cases' deadlines to pass. */
  settleCutoff: Duration;
  /** A follow-up owner (跟踪人) records the follow-up within this long of being assigned. */
  followUpTime: Duration;
  /** The owners' committee's weights under this agreement (`weights` are the property company's). */
  ownersCommitteeWeights?: AssessmentWeights;
}
