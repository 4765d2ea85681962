// What the stats, public and export routes share: the period query, the rate schemas, and rates per group.
// Figures always travel with their numerator and denominator so a reader can check them (issue 7).
import { z } from 'zod';
import { computeRates, groupRates, type RateGroupKey, type RateSet } from '../../domain/rates';
import type { Queryable } from '../../db/pool';
import type { ListScope } from '../../db/queries/case-list';
import { MONTH_PATTERN, monthPeriod, type Period } from '../../db/queries/period';
import { groupNames, loadOutcomeFacts, type FactFilter, type NamedOrg } from '../../db/queries/stats';
import { addCalendarDays } from '../../domain/calendar';
import { dateSchema } from '../schemas';

/** A period may span at most about a year: the facts of a period are counted in memory. */
export const MAX_PERIOD_DAYS = 366;

export const monthSchema = z
  .string()
  .regex(MONTH_PATTERN, '月份格式为 YYYY-MM，年份 2000–2100 (a month is YYYY-MM in the years 2000–2100)');

export const periodFields = {
  period: monthSchema.optional().describe('a calendar month (China Standard Time); or give from and to'),
  from: dateSchema.optional().describe('first day, inclusive (China Standard Time)'),
  to: dateSchema.optional().describe('day after the last, exclusive (China Standard Time)'),
};

type PeriodQuery = { period?: string; from?: string; to?: string };

/** Either a month or a from/to pair that runs forwards and spans at most MAX_PERIOD_DAYS. */
export function checkPeriod(q: PeriodQuery, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (q.period !== undefined) {
    if (q.from !== undefined || q.to !== undefined)
      issue('period', '请只给出 period 或 from/to 之一 (give period or from/to, not both)');
    return;
  }
  if (q.from === undefined || q.to === undefined) {
    issue(
      q.from === undefined ? 'from' : 'to',
      '请给出 period，或同时给出 from 和 to (give period, or both from and to)',
    );
    return;
  }
  // Zod runs this refinement even when a field failed its own check; an impossible date is already reported.
  if (!dateSchema.safeParse(q.from).success || !dateSchema.safeParse(q.to).success) return;
  if (q.to <= q.from) issue('to', '结束日期须晚于开始日期 (to is exclusive and must be after from)');
  else if (q.to > addCalendarDays(q.from, MAX_PERIOD_DAYS))
    issue('to', `时间段不能超过 ${MAX_PERIOD_DAYS} 天 (a period spans at most ${MAX_PERIOD_DAYS} days)`);
}

/** The validated query as a Period (checkPeriod has run). */
export function periodOf(q: PeriodQuery): Period {
  return q.period ? monthPeriod(q.period) : { from: q.from as string, to: q.to as string };
}

export const periodSchema = z.object({ from: z.string(), to: z.string().describe('exclusive') });

export const rateSchema = z.object({
  numerator: z.number().int(),
  denominator: z.number().int().describe('cases whose outcome for this measure is settled'),
  pending: z
    .number()
    .int()
    .describe('cases that count once their outcome is settled (a deadline still running, an evaluation to come)'),
  value: z.number().nullable().describe('numerator / denominator, unrounded; null when the denominator is 0'),
});

export const rateSetSchema = z
  .object({
    cases: z
      .number()
      .int()
      .describe(
        'cases first dispatched in the period that count (merged, duplicate, invalid and early-withdrawn ones left)',
      ),
    excluded: z.number().int().describe('cases first dispatched in the period that left every measure'),
    responseRate: rateSchema.describe(
      '响应率: acknowledged within the first response deadline / deadline passed or acknowledged',
    ),
    resolutionRate: rateSchema.describe('解决率: reported solved / evaluated (closed cases)'),
    satisfactionRate: rateSchema.describe('满意率: (satisfied + basically satisfied) / evaluated (closed cases)'),
    evaluationCoverage: rateSchema.describe('参评率: evaluated / closed cases a resident could evaluate'),
    onTimeResolutionRate: rateSchema.describe(
      '按时办结率: resolved by the (approved-extension) deadline / resolved or past the deadline',
    ),
    reworkRate: rateSchema.describe('重办率: reopened / evaluated (closed cases)'),
    escalationRate: rateSchema.describe('上报率: escalated / escalated or closed'),
    returnRate: rateSchema.describe('回退率: returned / returned or closed'),
    medianHandlingMs: z.number().nullable().describe('median dispatched → resolved, ms'),
  })
  .meta({ id: 'RateSet' });

export const GROUP_BYS = ['handler', 'compound', 'community', 'street', 'category', 'building', 'district'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

const GROUP_KEY: Record<Exclude<GroupBy, 'district'>, RateGroupKey> = {
  handler: 'handlerOrgId',
  compound: 'compoundCode',
  community: 'communityOrgId',
  street: 'streetOrgId',
  category: 'categoryCode',
  building: 'building',
};

export const groupSchema = z.object({
  id: z.string(),
  kind: z.string().describe('organisation kind, compound, category, building, or district'),
  nameZh: z.string(),
  nameEn: z.string(),
  rates: rateSetSchema,
});
export type RateGroup = z.infer<typeof groupSchema>;

export const DISTRICT = { id: 'district', kind: 'district', nameZh: '全区', nameEn: 'Whole district' };

/** How a group is labelled: organisations by id, compounds and categories by code, a building within its compound. */
function groupLabel(
  names: Map<string, NamedOrg>,
  groupBy: Exclude<GroupBy, 'district'>,
  id: string,
): Omit<RateGroup, 'rates'> {
  if (groupBy === 'building') {
    const cut = id.indexOf('/');
    const compound = names.get(`compound:${id.slice(0, cut)}`);
    const building = id.slice(cut + 1);
    const [zh, en] = [compound?.nameZh ?? id.slice(0, cut), compound?.nameEn ?? id.slice(0, cut)];
    return {
      id,
      kind: 'building',
      nameZh: building ? `${zh} ${building}` : `${zh}（未填楼栋）`,
      nameEn: building ? `${en}, building ${building}` : `${en} (no building given)`,
    };
  }
  const n = names.get(groupBy === 'compound' || groupBy === 'category' ? `${groupBy}:${id}` : id);
  return { id, kind: n?.kind ?? groupBy, nameZh: n?.nameZh ?? id, nameEn: n?.nameEn ?? id };
}

/**
 * Rates per group over the facts the scope allows, as they stand at `asOf` (default now), groups in id order;
 * `overall` is every fact together.
 */
export async function ratesByGroup(
  db: Queryable,
  period: Period,
  scope: ListScope,
  groupBy: GroupBy,
  filter: FactFilter = {},
  asOf: number = Date.now(),
): Promise<{ items: RateGroup[]; overall: RateSet }> {
  const [facts, names] = await Promise.all([loadOutcomeFacts(db, period, scope, filter), groupNames(db)]);
  const overall = computeRates(facts, asOf);
  if (groupBy === 'district') return { items: [{ ...DISTRICT, rates: overall }], overall };
  const groups = groupRates(facts, GROUP_KEY[groupBy], asOf);
  const items = Object.keys(groups)
    .sort()
    .map((id) => ({ ...groupLabel(names, groupBy, id), rates: groups[id] }));
  return { items, overall };
}

/** For lists where a period is optional: nothing, a month, or a from/to pair. */
export function checkOptionalPeriod(q: PeriodQuery, ctx: z.RefinementCtx): void {
  if (q.period !== undefined || q.from !== undefined || q.to !== undefined) checkPeriod(q, ctx);
}

// Keyset cursors (created_at to the microsecond, id), opaque to clients, as GET /cases issues them.
const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
export const encodeCursor = (c: { at: string; id: string }): string =>
  Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');

/** The cursor, or null when it is not one this API issued (the caller answers 400). */
export function decodeCursor(raw: string): { at: string; id: string } | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof at === 'string' &&
      CURSOR_AT.test(at) &&
      !Number.isNaN(Date.parse(at)) &&
      typeof id === 'string' &&
      z.uuid().safeParse(id).success
    )
      return { at, id };
  } catch {
    // fall through: an undecodable cursor is the client's error
  }
  return null;
}
