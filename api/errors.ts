// One error body everywhere: { error: { code, message, details: [{ path, issue }] } }. Codes are stable and
// machine-readable; messages are in the caller's language (api/i18n.ts); details name the request field at fault.
import { z } from 'zod';
import { text, type Bilingual, type Lang } from './i18n';

export interface ErrorDetail {
  path: string;
  issue: Bilingual;
}

/** An error the API means to answer with: status, stable code, message pair and field details. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly text: Bilingual,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(text.en);
    this.name = 'ApiError';
  }
}

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('stable machine-readable code, e.g. case.illegal_transition'),
      message: z.string().describe('zh or en by Accept-Language'),
      details: z.array(
        z.object({ path: z.string().describe('request field, e.g. location.building'), issue: z.string() }),
      ),
    }),
  })
  .meta({ id: 'Error' });

export type ErrorBody = z.infer<typeof errorBodySchema>;

export function renderError(e: ApiError, lang: Lang): ErrorBody {
  return {
    error: {
      code: e.code,
      message: e.text[lang],
      details: e.details.map((d) => ({ path: d.path, issue: d.issue[lang] })),
    },
  };
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: details name each offending field',
  401: 'Not signed in, or the token is invalid or expired',
  403: 'Not allowed for your role or organisation',
  404: 'Not found, or not visible to you',
  409: 'Illegal in the current state',
  413: 'Request body too large',
  415: 'Unsupported content type: send application/json',
  429: 'Too many requests',
  500: 'Unexpected error (logged with the request id)',
  503: 'Temporarily unavailable: retry with the same Idempotency-Key after Retry-After seconds',
};

/** The error responses a route declares, so each appears in the OpenAPI document with the shared body. */
export function errorResponses<C extends number>(...codes: C[]): Record<C, typeof errorBodySchema> {
  const out = {} as Record<C, typeof errorBodySchema>;
  for (const c of [...codes, 500 as C]) out[c] = errorBodySchema.describe(DESCRIPTIONS[c] ?? 'Error');
  return out;
}

// Stable codes with their messages. Route code throws these; the error handler maps everything else.
export const errors = {
  validation: (details: ErrorDetail[]) =>
    new ApiError(400, 'validation.failed', text('请求参数有误', 'The request is invalid'), details),
  field: (path: string, issue: Bilingual) => errors.validation([{ path, issue }]),
  unauthenticated: () => new ApiError(401, 'auth.unauthenticated', text('请先登录', 'Sign in first')),
  invalidCredentials: () =>
    new ApiError(401, 'auth.invalid_credentials', text('用户名或密码错误', 'Wrong username or password')),
  invalidCode: () =>
    new ApiError(401, 'auth.invalid_code', text('验证码错误或已过期', 'The code is wrong or has expired')),
  invalidRefreshToken: () =>
    new ApiError(
      401,
      'auth.invalid_refresh_token',
      text('登录已失效，请重新登录', 'The session has ended; sign in again'),
    ),
  signInLocked: (retryAfterSeconds: number) =>
    new ApiError(
      429,
      'auth.sign_in_locked',
      text(
        `登录失败次数过多，请 ${Math.ceil(retryAfterSeconds / 60)} 分钟后再试`,
        `Too many failed sign-ins; try again in ${Math.ceil(retryAfterSeconds / 60)} min`,
      ),
      [],
      { 'retry-after': String(retryAfterSeconds) },
    ),
  roleForbidden: () => new ApiError(403, 'auth.forbidden', text('当前角色无权执行此操作', 'Your role may not do this')),
  notFound: (code: string, what: Bilingual) => new ApiError(404, code, what),
  caseNotFound: () => new ApiError(404, 'case.not_found', text('工单不存在', 'Case not found')),
  conflict: (code: string, what: Bilingual) => new ApiError(409, code, what),
};
