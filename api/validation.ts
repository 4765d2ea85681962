// Request validation with zod, answered in the shared error shape. Our own compiler rather than the type
// provider's: it keeps the rejected input on each issue (reportInput), so a missing field can be told apart from a
// wrong one, and it carries which part of the request (body, querystring, params, headers) failed.
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { en, zhCN } from 'zod/locales';
import type { ErrorDetail } from './errors';
import { splitBilingual, text, type Bilingual } from './i18n';
import { isStorable, UNSTORABLE_TEXT } from './schemas';

type Part = 'body' | 'querystring' | 'params' | 'headers';

export class RequestValidationError extends Error {
  readonly statusCode = 400;
  readonly code = 'FST_ERR_VALIDATION';
  constructor(
    readonly part: Part,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(`invalid ${part}`);
  }
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(data, { reportInput: true });
    // Only input the schema accepted is walked: its shape, and so the walk's depth, is then bounded by the schema.
    const issues = result.success ? unstorableIssues(data, [], []) : result.error.issues;
    if (issues.length === 0) return { value: result.data };
    return { error: new RequestValidationError((httpPart as Part) ?? 'body', issues) };
  };

/** Strings PostgreSQL could not store that a schema let through (one forgot storableString), each at its path. */
function unstorableIssues(value: unknown, path: PropertyKey[], out: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  if (typeof value === 'string') {
    if (!isStorable(value)) out.push({ code: 'custom', path: [...path], message: UNSTORABLE_TEXT, input: value });
  } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      path.push(Array.isArray(value) ? Number(k) : k);
      unstorableIssues(v, path, out);
      path.pop();
    }
  }
  return out;
}

const OURS = /[\u4e00-\u9fff][\s\S]*\([^()]+\)\s*$/;
const zhMap = zhCN().localeError;
const enMap = en().localeError;

/** One detail per offending field; an unknown key is reported at its own path, not at its parent's. */
export function issueDetails(part: Part, issues: z.core.$ZodIssue[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const at = pathOf(part, issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        details.push({ path: join(at, key, part), issue: text('不允许的字段', 'unknown field') });
    } else {
      details.push({ path: at, issue: describeIssue(issue) });
    }
  }
  return dedupe(details);
}

function pathOf(part: Part, path: PropertyKey[]): string {
  if (path.length === 0) return part === 'querystring' ? 'query' : part;
  return path.map(String).join('.');
}

function join(parent: string, key: string, part: Part): string {
  const root = part === 'querystring' ? 'query' : part;
  return parent === root ? key : `${parent}.${key}`;
}

function describeIssue(issue: z.core.$ZodIssue): Bilingual {
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_type' && input === undefined) return text('必填', 'required');
  // Messages written in our schemas are "中文 (English)"; zod's own come from its locales.
  if (issue.code === 'custom' || OURS.test(issue.message)) return splitBilingual(issue.message);
  const raw = issue as unknown as z.core.$ZodRawIssue;
  const zh = zhMap(raw);
  const enText = enMap(raw);
  return text(messageOf(zh) ?? issue.message, messageOf(enText) ?? issue.message);
}

function messageOf(m: string | { message: string } | undefined | null): string | undefined {
  if (!m) return undefined;
  return typeof m === 'string' ? m : m.message;
}

function dedupe(details: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return details.filter((d) => {
    const key = `${d.path}\u0000${d.issue.en}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
