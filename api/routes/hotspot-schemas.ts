// The zod schemas of GET /stats/hotspots and GET /stats/repeat-problems (api/routes/hotspots.ts).
import { z } from 'zod';
import { HOTSPOT_GROUP_BYS } from '../../domain/hotspots';
import { codeSchema } from '../schemas';
import { checkPeriod, periodFields, periodSchema, rateSchema } from './stats-common';

/** At most this many groups are answered; `leftOut` says how many more there were. */
export const HOTSPOT_LIMIT = 100;

export const hotspotsQuerySchema = z
  .strictObject({
    ...periodFields,
    groupBy: z
      .enum(HOTSPOT_GROUP_BYS)
      .default('compound,category')
      .describe('a building is always named within its compound, so building groups carry the compound too'),
    community: codeSchema.optional(),
    street: codeSchema.optional(),
    compound: codeSchema.optional(),
    category: codeSchema.optional(),
  })
  .superRefine(checkPeriod);

const month = z.string().describe('YYYY-MM');

export const hotspotSchema = z
  .object({
    rank: z.number().int().describe('1 for the most cases; ties by repeats, then by codes'),
    compoundCode: z.string().optional(),
    compoundNameZh: z.string().optional(),
    compoundNameEn: z.string().optional(),
    building: z.string().nullable().optional().describe('null: cases that gave no building'),
    categoryCode: z.string().optional(),
    categoryNameZh: z.string().optional(),
    categoryNameEn: z.string().optional(),
    cases: z.number().int().describe('cases filed in the period (merged, duplicate and invalid ones left out)'),
    repeats: z.number().int().describe('of those, the cases that belong to a repeat problem (重复问题)'),
    onTime: rateSchema.describe('按时办结率 of the cases first dispatched in the period, as GET /stats/rates'),
    satisfaction: rateSchema.describe('满意率, as GET /stats/rates'),
    evaluationCoverage: rateSchema.describe('参评率: satisfaction travels with it'),
    previous: z.number().int().describe('cases filed in the previous period'),
    change: z.number().int().describe('cases − previous'),
    trend: z.array(z.number().int()).describe('cases filed in each of `months`'),
  })
  .meta({ id: 'Hotspot' });

export const hotspotsResponseSchema = z.object({
  period: periodSchema,
  previousPeriod: periodSchema.describe('the month before a month; otherwise as many days just before `from`'),
  groupBy: z.enum(HOTSPOT_GROUP_BYS),
  months: z.array(month).describe("the 6 months ending with the period's last day, oldest first"),
  items: z.array(hotspotSchema),
  leftOut: z.number().int().describe(`groups beyond the first ${HOTSPOT_LIMIT}, not listed`),
  total: z.object({ cases: z.number().int(), repeats: z.number().int() }).describe('over every group'),
});

export const repeatProblemsQuerySchema = z.strictObject({
  status: z.enum(['open', 'all']).default('open').describe('open: not closed (by a governance topic or by hand)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const repeatProblemSchema = z
  .object({
    id: z.string(),
    compoundCode: z.string(),
    compoundNameZh: z.string(),
    compoundNameEn: z.string(),
    building: z.string(),
    categoryCode: z.string(),
    categoryNameZh: z.string(),
    categoryNameEn: z.string(),
    caseCount: z.number().int(),
    firstCaseAt: z.string(),
    lastCaseAt: z.string(),
    windowDays: z.number().int(),
    threshold: z.number().int(),
    trackingCodes: z.array(z.string()).describe('its cases, oldest first'),
    topicId: z.string().nullable().describe('the governance topic opened from it'),
    detectedAt: z.string(),
    closedAt: z.string().nullable(),
    closeReason: z
      .string()
      .nullable()
      .describe('why a supervisor closed it without a topic; null while open or when it closed with its topic'),
  })
  .meta({ id: 'RepeatProblem' });
