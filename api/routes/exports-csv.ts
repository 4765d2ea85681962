// CSV exports as streams: UTF-8 with a byte-order mark, so Excel opens Chinese text correctly. Cases are read in
// keyset pages through db/queries/case-list.ts listCases — the same scope and filters as GET /cases — so memory
// holds one page at a time however many cases there are (bench/ measures it over 100,000). An export carries no
// personal data: no name, phone, location or description; whoever must contact a resident does it in the app.
import { Readable } from 'node:stream';
import { cstDateTime } from '../../domain/calendar';
import type { RateSet } from '../../domain/rates';
import type { Queryable } from '../../db/pool';
import {
  listCases,
  type CaseCursor,
  type CaseListFilter,
  type CaseViewRow,
  type ListScope,
} from '../../db/queries/case-list';
import { groupNames } from '../../db/queries/stats';
import type { Lang } from '../i18n';
import type { RateGroup } from './stats-common';

export const BOM = '\uFEFF';
export const DEFAULT_BATCH_SIZE = 1000;

/**
 * One CSV field. Quoted when it holds a separator, quote or line break; text starting with = + - @ (or a tab or
 * carriage return) is prefixed with ' so a spreadsheet never runs it as a formula (CSV injection).
 */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvLine = (fields: (string | number | boolean | null)[]): string =>
  `${fields.map(csvField).join(',')}\r\n`;

/** 2026-11-03 14:05:00 in China Standard Time: what a reader in the district expects, and Excel parses. */
const cstText = (d: Date | null): string | null => (d === null ? null : cstDateTime(d.getTime()));

const CASE_COLUMNS: [string, string][] = [
  ['查询码', 'tracking_code'],
  ['类别', 'category'],
  ['小区', 'compound'],
  ['社区', 'community'],
  ['街道', 'street'],
  ['承办单位', 'handler'],
  ['状态', 'status'],
  ['阶段', 'stage'],
  ['层级', 'level'],
  ['结果', 'outcome'],
  ['满意度', 'satisfaction'],
  ['是否解决', 'solved'],
  ['重办次数', 'reopen_count'],
  ['上报次数', 'escalation_count'],
  ['回退次数', 'returned_count'],
  ['是否超期', 'overdue'],
  ['提交时间', 'created_at'],
  ['派单时间', 'dispatched_at'],
  ['受理时间', 'acknowledged_at'],
  ['办结时间', 'resolved_at'],
  ['关闭时间', 'closed_at'],
];

export interface CaseExportOptions {
  lang?: Lang;
  batchSize?: number;
  now?: number;
}

/** The rows of GET /cases for this scope and filter, as CSV text chunks: the header, then one chunk per page. */
export async function* casesCsv(
  db: Queryable,
  scope: ListScope,
  filter: CaseListFilter,
  o: CaseExportOptions = {},
): AsyncGenerator<string> {
  const lang = o.lang ?? 'zh';
  const now = o.now ?? Date.now();
  const names = await groupNames(db);
  const name = (id: string | null) =>
    id === null ? null : ((lang === 'zh' ? names.get(id)?.nameZh : names.get(id)?.nameEn) ?? id);
  yield BOM + csvLine(CASE_COLUMNS.map(([zh, en]) => (lang === 'zh' ? zh : en)));
  let after: CaseCursor | undefined;
  for (;;) {
    const { rows, next } = await listCases(db, scope, filter, { limit: o.batchSize ?? DEFAULT_BATCH_SIZE, after });
    if (rows.length > 0) yield rows.map((r) => csvLine(caseFields(r, lang, name, now))).join('');
    if (!next) return;
    after = next;
  }
}

function caseFields(r: CaseViewRow, lang: Lang, name: (id: string | null) => string | null, now: number) {
  const overdue =
    r.status !== 'closed' &&
    (r.overdue ||
      Object.entries(r.deadlines).some(
        ([kind, d]) => (kind === 'response' || kind === 'resolution') && Date.parse(d.dueAt) <= now,
      ));
  return [
    r.trackingCode,
    lang === 'zh' ? r.categoryNameZh : r.categoryNameEn,
    lang === 'zh' ? r.compoundNameZh : r.compoundNameEn,
    name(r.communityOrgId),
    name(r.streetOrgId),
    name(r.handlerOrgId),
    r.status,
    r.stage,
    r.level,
    r.outcome,
    r.satisfaction,
    r.solved,
    r.reopenCount,
    r.escalationCount,
    r.returnedCount,
    overdue,
    cstText(r.createdAt),
    cstText(r.dispatchedAt),
    cstText(r.acknowledgedAt),
    cstText(r.resolvedAt),
    cstText(r.closedAt),
  ];
}

/** A Readable of the cases CSV, for the route and for bench/ (pipe it anywhere and watch the heap stay flat). */
export function exportCasesCsv(
  db: Queryable,
  scope: ListScope = { kind: 'all' },
  filter: CaseListFilter = {},
  o: CaseExportOptions = {},
): Readable {
  return Readable.from(casesCsv(db, scope, filter, o), { objectMode: false });
}

const RATE_COLUMNS: [keyof RateSet, string, string][] = [
  ['responseRate', '响应率', 'response'],
  ['resolutionRate', '解决率', 'resolution'],
  ['satisfactionRate', '满意率', 'satisfaction'],
  ['evaluationCoverage', '参评率', 'evaluation_coverage'],
  ['onTimeResolutionRate', '按时办结率', 'on_time_resolution'],
  ['reworkRate', '重办率', 'rework'],
  ['escalationRate', '上报率', 'escalation'],
  ['returnRate', '回退率', 'return'],
];

/**
 * Rates per group, each with numerator, denominator, pending (not yet settled) and value (4 decimals), the cases
 * that left the rates, and the median in hours. 参评率 sits beside satisfaction, as everywhere.
 */
export function ratesCsv(groups: RateGroup[], lang: Lang, period: { from: string; to: string }): string {
  const zh = lang === 'zh';
  const header = [
    zh ? '开始日期' : 'from',
    zh ? '结束日期（不含）' : 'to_exclusive',
    zh ? '编码' : 'id',
    zh ? '名称' : 'name',
    zh ? '工单数' : 'cases',
    zh ? '不计入工单数' : 'excluded',
  ];
  for (const [, z, e] of RATE_COLUMNS) {
    header.push(
      ...(zh
        ? [`${z}分子`, `${z}分母`, `${z}待定`, z]
        : [`${e}_numerator`, `${e}_denominator`, `${e}_pending`, `${e}_rate`]),
    );
  }
  header.push(zh ? '办理时长中位数（小时）' : 'median_handling_hours');
  const lines = groups.map((g) => {
    const fields: (string | number | null)[] = [
      period.from,
      period.to,
      g.id,
      zh ? g.nameZh : g.nameEn,
      g.rates.cases,
      g.rates.excluded,
    ];
    for (const [key] of RATE_COLUMNS) {
      const r = g.rates[key] as RateSet['responseRate'];
      fields.push(
        r.numerator,
        r.denominator,
        r.pending,
        r.value === null ? null : Math.round(r.value * 10_000) / 10_000,
      );
    }
    fields.push(
      g.rates.medianHandlingMs === null ? null : Math.round((g.rates.medianHandlingMs / 3_600_000) * 100) / 100,
    );
    return csvLine(fields);
  });
  return BOM + csvLine(header) + lines.join('');
}
