// Zod schemas shared by several route groups. Messages written here are "中文 (English)"; the error handler
// splits them by Accept-Language.
import { z } from 'zod';
import { DEADLINE_KINDS, ORGANIZATION_KINDS } from '../domain/types';

/** Mainland mobile numbers: 11 digits starting 13–19. */
export const phoneSchema = z.string().regex(/^1[3-9]\d{9}$/, '手机号格式不正确 (not a mainland mobile number)');

/** Text codes of reference data (categories, compounds, organisations, households): ids, never free text. */
export const codeSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, '编码只能包含小写字母、数字、- 和 _ (a code is lower-case letters, digits, - and _)');

export const caseIdParams = z.strictObject({ id: z.uuid() });

/** The caller's request id for a retried request; the server scopes it by user before use. */
export const idempotencyKeySchema = z
  .string()
  .min(8, '至少 8 个字符 (at least 8 characters)')
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, '只能包含字母、数字和 . _ : - (letters, digits and . _ : - only)');

/** Durations as agreements state them (domain/types.ts Duration), bounded so no deadline runs for years. */
export const durationSchema = z.discriminatedUnion('unit', [
  z.strictObject({
    unit: z.literal('seconds'),
    amount: z
      .number()
      .int()
      .min(1)
      .max(30 * 86_400),
  }),
  z.strictObject({
    unit: z.literal('hours'),
    amount: z
      .number()
      .positive()
      .max(24 * 60),
  }),
  z.strictObject({ unit: z.literal('working_days'), amount: z.number().int().min(1).max(60) }),
]);

export const orgRefSchema = z.object({
  id: z.string(),
  kind: z.enum(ORGANIZATION_KINDS),
  nameZh: z.string(),
  nameEn: z.string(),
});

export const deadlineViewSchema = z.object({
  kind: z.enum(DEADLINE_KINDS),
  startedAt: z.string(),
  dueAt: z.string(),
  /** Working time (09:00–18:00 CST on workdays) left; negative clock time once overdue. */
  workingTimeLeftMs: z.number(),
  clockTimeLeftMs: z.number(),
  overdue: z.boolean(),
  breachedAt: z.string().nullable(),
  extended: z.number().int(),
});

/** Either a signed-in user's bearer token or an integration's API key (`X-API-Key: rsk_<id>.<secret>`). */
export const bearer: { [scheme: string]: string[] }[] = [{ bearerAuth: [] }, { apiKeyAuth: [] }];

export const UNSTORABLE_TEXT =
  '不能包含空字符或无效的 Unicode 字符 (must not contain NUL or unpaired surrogate characters)';

// String.prototype.isWellFormed is ES2024 (Node 20 has it; tsconfig's lib stops at ES2022), and O(1) on Latin-1 text.
const wellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

/** Whether PostgreSQL can store the text: text and jsonb refuse U+0000, and UTF-8 has no encoding for a lone surrogate. */
export const isStorable = (s: string): boolean => !s.includes('\u0000') && wellFormed(s);

/** Every free-text string the API accepts; checked before trim and length (and aborting) so "\u0000" is refused for its NUL, not as empty. */
export const storableString = () => z.string().refine(isStorable, { message: UNSTORABLE_TEXT, abort: true });

/** Short free texts (reasons, notes): storable, trimmed, non-empty, bounded. */
export const shortText = (max = 500) => storableString().trim().min(1, '不能为空 (must not be empty)').max(max);

/** A real calendar day as YYYY-MM-DD in the years 2000–2100 (2026-02-30 is refused, not rolled over). */
export const dateSchema = z
  .string()
  .regex(
    /^(20\d{2}|2100)-\d{2}-\d{2}$/,
    '日期格式为 YYYY-MM-DD，年份 2000–2100 (dates are YYYY-MM-DD in the years 2000–2100)',
  )
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    '不存在的日期 (no such date)',
  );
