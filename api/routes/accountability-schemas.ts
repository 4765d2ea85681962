// How an accountability record leaves the API: the duty it breaks, the organisation, the case, and what follows.
import { z } from 'zod';
import { WATCHED_DUTIES } from '../../domain/duty-watch';
import { DEADLINE_KINDS, LEVELS, ORGANIZATION_KINDS } from '../../domain/types';
import type { AccountabilityRow } from '../../db/queries/accountability';
import type { UserIds } from '../case-view';
import { text, type Bilingual } from '../i18n';
import { codeSchema, shortText, storableString } from '../schemas';
import { checkOptionalPeriod, periodFields } from './stats-common';

/**
 * silence: a Party organisation's own duty left undone (a request it did not decide in time, a 回访 it did not
 * record, a follow-up not recorded in time, a reported case not forwarded).
 */
export const SOURCES = ['breach', 'unsatisfied', 'finding', 'silence'] as const;
export const RECORD_STATUSES = ['open', 'answered', 'closed'] as const;

const USER_ID_DOC = "the caller's own user id as it is; another user's as an opaque handle (u_ and 16 hex digits)";

export const recordSchema = z.object({
  id: z.uuid(),
  case: z.object({ id: z.uuid(), trackingCode: z.string() }).nullable(),
  organization: z.object({ id: z.string(), kind: z.enum(ORGANIZATION_KINDS), nameZh: z.string(), nameEn: z.string() }),
  duty: z
    .object({
      code: z.string(),
      titleZh: z.string(),
      titleEn: z.string(),
      area: z.object({ code: z.string(), titleZh: z.string(), titleEn: z.string() }).nullable(),
    })
    .describe('the duty of the responsibility list (责任清单) it breaks: every record names exactly one'),
  source: z.enum(SOURCES),
  deadlineKind: z
    .enum([...DEADLINE_KINDS, ...WATCHED_DUTIES])
    .nullable()
    .describe('the deadline missed; follow_up and forward: a duty the duty watch checks'),
  level: z.enum(LEVELS).nullable(),
  reason: z.string(),
  follows: z
    .object({ zh: z.string(), en: z.string() })
    .describe('what follows: the escalation a breach caused, or the rectification a finding demands'),
  status: z.enum(RECORD_STATUSES),
  filedBy: z.string().nullable().describe(`findings: the supervisor user who filed it (${USER_ID_DOC})`),
  answer: z.object({ text: z.string(), at: z.string(), by: z.string().nullable().describe(USER_ID_DOC) }).nullable(),
  closed: z
    .object({ at: z.string(), by: z.string().nullable().describe(USER_ID_DOC), reason: z.string().nullable() })
    .nullable(),
  createdAt: z.string(),
});
export type RecordView = z.infer<typeof recordSchema>;

export const listQuerySchema = z
  .strictObject({
    ...periodFields,
    organization: codeSchema.optional(),
    case: z.uuid().optional(),
    source: z.enum(SOURCES).optional(),
    status: z.enum(RECORD_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: storableString().max(200).optional(),
  })
  .superRefine(checkOptionalPeriod);

export const findingBody = z.strictObject({
  organizationId: codeSchema,
  dutyCode: z
    .string()
    .min(3)
    .max(100)
    .regex(
      /^[a-z_]+\.[a-z_]+$/,
      '职责编码形如 property_company.respond_in_time (a duty code looks like property_company.respond_in_time)',
    ),
  caseId: z.uuid().optional(),
  reason: shortText(1000).describe('what was found, e.g. on an on-site inspection'),
  consequence: shortText(500).describe('what follows: the rectification demanded and by when'),
});

/** What a breach led to follows from the level it happened at (domain/case-machine.ts breachEvents). */
const BREACH_FOLLOWS: Record<string, Bilingual> = {
  community_committee: text('上报街道党工委督办', 'escalated to the street committee'),
  street_committee: text(
    '报告组织部并转职能部门办理',
    'reported to the organisation department and forwarded to the functional department',
  ),
  organization_department: text(
    '转职能部门党组织督促办理',
    "forwarded to the functional department's Party organisation",
  ),
  functional_department: text('记入问责与考核', 'recorded for accountability and assessment'),
};

function follows(r: AccountabilityRow): Bilingual {
  if (r.source === 'finding') return text(r.consequence ?? '限期整改', r.consequence ?? 'rectify');
  if (r.source === 'unsatisfied')
    return text(
      '重办后仍不满意，工单以不满意办结并计入考核',
      'closed as unsatisfied after rework; counts in the assessment',
    );
  if (r.source === 'silence' && r.deadlineKind === 'evaluation')
    return text(
      '未回访，工单以未评价办结并记入问责与考核',
      'no 回访 was recorded: the case closed unevaluated; recorded for accountability and assessment',
    );
  if (r.source === 'silence' && r.deadlineKind === 'follow_up')
    return text('跟踪逾期，记入问责', 'the follow-up was late; recorded for accountability');
  if (r.source === 'silence' && r.deadlineKind === 'forward')
    return text('转交逾期，记入问责', 'the forward was late; recorded for accountability');
  if (r.source === 'silence')
    return text(
      '到期未审批，申请视为同意，记入问责与考核',
      'the request was deemed approved; recorded for accountability and assessment',
    );
  return BREACH_FOLLOWS[r.level ?? ''] ?? text('记入问责与考核', 'recorded for accountability and assessment');
}

const iso = (d: Date) => d.toISOString();

/** Users' ids through `ids` (api/case-view.ts opaqueUserIds): the caller's own as it is, others' opaque. */
export function presentRecord(r: AccountabilityRow, ids: UserIds): RecordView {
  const user = (id: string | null) => (id === null ? null : ids(id));
  return {
    id: r.id,
    case: r.caseId && r.trackingCode ? { id: r.caseId, trackingCode: r.trackingCode } : null,
    organization: {
      id: r.organizationId,
      kind: r.organizationKind as RecordView['organization']['kind'],
      nameZh: r.organizationNameZh,
      nameEn: r.organizationNameEn,
    },
    duty: { code: r.dutyCode, titleZh: r.dutyTitleZh, titleEn: r.dutyTitleEn, area: r.dutyArea },
    source: r.source,
    deadlineKind: r.deadlineKind as RecordView['deadlineKind'],
    level: r.level as RecordView['level'],
    reason: r.reason,
    follows: follows(r),
    status: r.closedAt ? 'closed' : r.answeredAt ? 'answered' : 'open',
    filedBy: user(r.filedBy),
    answer:
      r.answer !== null && r.answeredAt ? { text: r.answer, at: iso(r.answeredAt), by: user(r.answeredBy) } : null,
    closed: r.closedAt ? { at: iso(r.closedAt), by: user(r.closedBy), reason: r.closeReason } : null,
    createdAt: iso(r.createdAt),
  };
}
