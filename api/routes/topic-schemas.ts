// Schemas of the governance topic routes (治理专题, api/routes/topics.ts).
import { z } from 'zod';
import { EFFECT_WINDOW_DAYS } from '../../domain/topic-effect';
import { codeSchema, shortText } from '../schemas';

const isoTime = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time');

export const openTopicBodySchema = z.strictObject({
  title: shortText(100).describe(
    'published with the effect once the topic closes (GET /public/topics): name the problem, never a household',
  ),
  description: shortText(2000).optional(),
  scope: z.strictObject({
    compoundCodes: z.array(codeSchema).min(1).max(20).describe('compounds your organisation supervises'),
    buildings: z
      .array(z.strictObject({ compoundCode: codeSchema, building: shortText(20) }))
      .max(50)
      .optional()
      .describe('narrow a compound to these buildings; a compound with none listed counts whole'),
    categoryCode: codeSchema.optional(),
  }),
  ownerOrgId: codeSchema.describe('your organisation or one it supervises'),
  dueAt: isoTime.describe('in the future'),
  tasks: z
    .array(z.strictObject({ title: shortText(200), ownerOrgId: codeSchema, dueAt: isoTime }))
    .max(20)
    .describe("each due in the future and not after the topic's dueAt"),
  fromRepeatProblemId: z.uuid().optional().describe('the repeat problem this topic answers; it is linked to it'),
});

export const topicIdParams = z.strictObject({ id: z.uuid() });
export const taskParams = z.strictObject({
  id: z.uuid(),
  taskId: z.string().regex(/^t\d{1,2}$/, 'a task id: t1, t2, …'),
});
export const listTopicsQuery = z.strictObject({ status: z.enum(['open', 'closed', 'all']).default('open') });
export const completeTaskBody = z.strictObject({ note: shortText(2000) });
export const progressBody = z.strictObject({ note: shortText(2000) });
export const closeBody = z.strictObject({
  summary: shortText(2000),
  reason: shortText(500).optional().describe('required while any task is undone'),
});

const org = z.object({ id: z.string(), nameZh: z.string(), nameEn: z.string() });
const scopeSchema = z.object({
  compoundCodes: z.array(z.string()),
  buildings: z.array(z.object({ compoundCode: z.string(), building: z.string() })),
  categoryCode: z.string().nullable(),
});

export const topicSummarySchema = z.object({
  id: z.uuid(),
  title: z.string(),
  status: z.enum(['open', 'closed']),
  ownerOrg: org,
  dueAt: z.string(),
  overdue: z.boolean().describe('the topic or an undone task is past its due'),
  scope: scopeSchema,
  tasks: z.object({ total: z.number().int(), done: z.number().int() }),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
});

const windowSchema = z.object({
  from: z.string(),
  to: z.string(),
  days: z.number(),
  cases: z.number().int(),
  per30Days: z.number().nullable().describe('cases per 30 days; null for a window under a day'),
});

export const effectSchema = z
  .object({
    windowDays: z.number().int(),
    before: windowSchema,
    after: windowSchema,
    afterComplete: z.boolean().describe(`false until ${EFFECT_WINDOW_DAYS} days have passed since closing`),
  })
  .describe(
    `cases of the scope filed in the ${EFFECT_WINDOW_DAYS} days before opening and in the ${EFFECT_WINDOW_DAYS} days after closing (or as many as have passed); compare per30Days. Merged duplicates are not counted. null while open`,
  );

const supervisionSchema = z
  .object({
    dueAt: z.string().describe('the running 督办 due: missing it is another breach, told one rung higher'),
    misses: z.number().int().describe('dues missed so far: the own due, then each 督办'),
  })
  .nullable()
  .describe('督办 after a breach, while open and not done; null otherwise');

export const topicDetailSchema = topicSummarySchema.extend({
  supervision: supervisionSchema,
  description: z.string().nullable(),
  supervisorOrg: org,
  summary: z.string().nullable(),
  closeReason: z.string().nullable(),
  repeatProblemId: z.string().nullable(),
  taskList: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      ownerOrg: org,
      dueAt: z.string(),
      status: z.enum(['open', 'done']),
      doneAt: z.string().nullable(),
      overdue: z.boolean(),
      supervision: supervisionSchema,
    }),
  ),
  timeline: z.array(
    z.object({
      seq: z.number().int(),
      type: z.string(),
      at: z.string(),
      role: z.string(),
      organization: org.nullable().describe('who acted; null for the clock'),
      about: org.nullable().describe('a reminder or breach: the organisation it concerns'),
      escalatedTo: org.nullable().describe('a breach: the rung it was reported to'),
      superviseDueAt: z.string().nullable().describe('a breach under 督办: the next due it set'),
      taskId: z.string().nullable(),
      note: z.string().nullable().describe('a note, or the closing summary'),
      reason: z.string().nullable(),
    }),
  ),
  linkedCases: z.array(
    z.object({
      id: z.uuid(),
      trackingCode: z.string(),
      categoryCode: z.string(),
      compoundCode: z.string(),
      building: z.string().nullable(),
      status: z.string(),
      createdAt: z.string(),
    }),
  ),
  effect: effectSchema.nullable(),
  accountability: z.array(
    z.object({
      id: z.uuid(),
      organization: org,
      dutyCode: z.string(),
      dutyTitleZh: z.string(),
      dutyTitleEn: z.string(),
      reason: z.string(),
      level: z.string().nullable(),
      createdAt: z.string(),
      answered: z.boolean(),
      closed: z.boolean(),
    }),
  ),
});

export const actionResultSchema = z.object({
  topicId: z.uuid(),
  status: z.enum(['open', 'closed']),
  seq: z.number().int(),
  events: z.array(z.object({ seq: z.number().int(), type: z.string() })),
});

const named = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() });
export const publicTopicSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  compounds: z.array(named),
  category: named.nullable(),
  openedOn: z.string().describe('day, China Standard Time'),
  closedOn: z.string(),
  effect: effectSchema,
});
