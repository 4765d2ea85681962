// Request and response schemas of the case routes (intake, reads, lists). Actions have theirs in case-actions.ts.
import { z } from 'zod';
import { LEVELS, OUTCOMES, ROLES, SATISFACTIONS, STAGES, STATUSES } from '../../domain/types';
import { MAX_PHOTOS, photoSchema } from '../photos';
import {
  codeSchema,
  dateSchema,
  deadlineViewSchema,
  idempotencyKeySchema,
  orgRefSchema,
  phoneSchema,
  storableString,
} from '../schemas';

const locationPart = storableString().trim().min(1).max(20);

export const intakeBodySchema = z.strictObject({
  categoryCode: codeSchema,
  compoundCode: codeSchema,
  householdId: codeSchema.max(100).optional(),
  location: z
    .strictObject({
      building: locationPart.optional(),
      unit: locationPart.optional(),
      room: locationPart.optional(),
      address: storableString().trim().min(1).max(200).optional(),
    })
    .refine(
      (l) => Object.values(l).some((v) => v !== undefined),
      '请填写楼栋单元房号或地址 (give a building, unit, room or an address)',
    ),
  description: storableString()
    .trim()
    .min(5, '描述至少 5 个字 (describe the problem in at least 5 characters)')
    .max(2000),
  contactPreference: z.enum(['phone', 'sms', 'in_app', 'none']).optional(),
  contact: z
    .strictObject({ name: storableString().trim().min(1).max(50).optional(), phone: phoneSchema.optional() })
    .optional(),
  photos: z.array(photoSchema).max(MAX_PHOTOS, `最多 ${MAX_PHOTOS} 张照片 (at most ${MAX_PHOTOS} photos)`).optional(),
  /** Staff filing on a resident's behalf name the resident's account, if they have one. */
  residentUserId: storableString().min(1).max(64).optional(),
});

// Loose: the validated value replaces request.headers, which must keep every other header.
export const intakeHeadersSchema = z.looseObject({ 'idempotency-key': idempotencyKeySchema.optional() });

export const intakeResponseSchema = z.object({
  caseId: z.uuid(),
  trackingCode: z.string(),
  handler: orgRefSchema,
  supervisor: orgRefSchema,
  deadlines: z.array(z.object({ kind: z.enum(['response', 'resolution']), dueAt: z.string() })),
});

const named = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() });

export const caseSummarySchema = z.object({
  id: z.uuid(),
  trackingCode: z.string(),
  category: named,
  compound: named,
  status: z.enum(STATUSES),
  stage: z.enum(STAGES),
  level: z.enum(LEVELS),
  handler: orgRefSchema.nullable(),
  supervisor: orgRefSchema.nullable(),
  followUpOwner: z
    .object({ kind: z.enum(['grid_branch', 'party_member']), id: z.string(), nameZh: z.string(), nameEn: z.string() })
    .nullable(),
  resident: z
    .object({
      name: z.string().nullable(),
      phone: z.string().nullable(),
      masked: z.boolean().describe("true when any of the resident's data is withheld from the caller"),
      revealable: z
        .boolean()
        .describe(
          "true when the caller may have the resident's name, phone, household and room by asking the case view for them (contact=reveal); each such read is logged",
        ),
    })
    .describe(
      'The complainant sees their own. The current handler and follow-up owner while the case is open, and the community committee, see the family name only (张*) with revealable true, in lists and case views alike; a case view asked with contact=reveal gives them name and phone (each such read is logged: contact-views). Everyone else sees neither (null).',
    ),
  description: z
    .string()
    .nullable()
    .describe(
      "the complainant's own words; null to a resident who follows the case or whose case was merged into it, who also gets no photos and no other resident's notes",
    ),
  overdue: z.boolean(),
  deadlines: z.array(deadlineViewSchema),
  outcome: z.enum(OUTCOMES).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const timelineEntrySchema = z.object({
  seq: z.number().int(),
  type: z.string(),
  at: z.string(),
  actor: z.object({
    userId: z
      .string()
      .nullable()
      .describe("the caller's own id as it is; another user's as an opaque handle (u_ and 16 hex digits)"),
    role: z.string().nullable(),
    organizationId: z.string().nullable(),
  }),
  payload: z.record(z.string(), z.unknown()),
});

export const caseDetailSchema = caseSummarySchema.extend({
  /** Null unless the answer carries the resident's personal data (see resident). */
  householdId: z.string().nullable(),
  location: z
    .record(z.string(), z.string())
    .describe("only the building unless the answer carries the resident's personal data (see resident)"),
  contactPreference: z.string().nullable(),
  photos: z.array(z.string()),
  pendingExtension: z.record(z.string(), z.unknown()).nullable(),
  /** A return (回退) or pause (挂起) waiting for the supervisor's decision. */
  pendingRequest: z
    .object({ kind: z.enum(['return', 'pause']), reason: z.string(), requestedAt: z.number() })
    .nullable(),
  /** Set while the handler's clock is paused: paused time does not count. */
  pausedSince: z.string().nullable(),
  /** 合并: the primary case this one was merged into. */
  mergedInto: z.string().nullable(),
  /** Still unsatisfied after rework: the level above may close it as verified unreasonable. */
  awaitingVerification: z.boolean(),
  /** Listed in a public notice (通报) after missed 督办 cadences at the top rung. */
  publiclyNoticed: z.boolean(),
  /** false while the contact phone is not proven the complainant's (typed by staff or for someone else; POST /cases/:id/contact/…). */
  contactVerified: z.boolean(),
  satisfaction: z.enum(SATISFACTIONS).nullable(),
  solved: z.boolean().nullable(),
  counts: z.object({ reopen: z.number().int(), escalation: z.number().int(), returned: z.number().int() }),
  dispatchedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  timeline: z.array(timelineEntrySchema),
});

export const listQuerySchema = z
  .strictObject({
    status: z.enum(STATUSES).optional(),
    stage: z.enum(STAGES).optional(),
    level: z.enum(LEVELS).optional(),
    community: codeSchema.optional(),
    compound: codeSchema.optional(),
    building: storableString()
      .trim()
      .min(1)
      .max(50)
      .optional()
      .describe('the building within the compound, as a hotspot groups it (give compound with it)'),
    handler: codeSchema.optional(),
    category: codeSchema.optional(),
    overdue: z.enum(['true', 'false']).optional(),
    from: dateSchema.optional().describe('created on or after this day (China Standard Time)'),
    to: dateSchema.optional().describe('created on or before this day (China Standard Time)'),
    q: storableString().trim().min(1).max(100).optional().describe('text in the description or tracking code'),
    pending: z
      .enum(['extension', 'return', 'pause', 'follow_up'])
      .optional()
      .describe(
        "what waits for the caller's organisation: an extension, return (回退) or pause (挂起) it decides as the case's controller, or (follow_up) an open case of its community with no follow-up owner yet",
      ),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: storableString().max(200).optional().describe('nextCursor of the previous page'),
  })
  .refine((q) => q.building === undefined || q.compound !== undefined, {
    message: '按楼栋筛选时请同时给出小区 (give compound with building)',
    path: ['building'],
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: '结束日期不能早于开始日期 (to must not be before from)',
    path: ['to'],
  });

export const listResponseSchema = z.object({ items: z.array(caseSummarySchema), nextCursor: z.string().nullable() });

/** At most this many entries: reads of one viewer within one hour count as one entry. */
export const CONTACT_VIEWS_LIMIT = 200;

const bilingualName = z.object({ nameZh: z.string(), nameEn: z.string() });

export const contactViewsResponseSchema = z.object({
  items: z.array(
    z.object({
      at: z.string().describe('the latest read of this entry'),
      firstAt: z
        .string()
        .describe(
          'the first read of this entry (reads of one viewer with the same fields within one hour are one entry)',
        ),
      reads: z.number().int(),
      viewer: z.object({
        role: z.enum(ROLES),
        organization: bilingualName.extend({ id: z.string() }).nullable(),
        name: bilingualName.nullable().describe('the staff member, who acts in an official capacity'),
      }),
      fields: z.array(z.enum(['name', 'phone', 'householdId', 'location'])),
    }),
  ),
  truncated: z.boolean().describe(`more than ${CONTACT_VIEWS_LIMIT} entries: the oldest are left out`),
});

export const caseViewQuerySchema = z.strictObject({
  contact: z
    .enum(['reveal'])
    .optional()
    .describe(
      "reveal: the resident's name, phone, household and room, for a caller whose resident.revealable is true; the read is logged (contact-views) and the resident sees it. Anyone else asking: 403. Without it the complainant still sees their own.",
    ),
});

export const trackingCodeParams = z.strictObject({
  code: z
    .string()
    .regex(
      /^\d{4}-[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{6}$/,
      '查询码格式为 YYMM-XXXXXX (a tracking code looks like 2611-7K3M9Q)',
    ),
});
