// The one error handler. Everything that goes wrong on a request ends here and leaves in the shared shape:
// our ApiErrors as they are, zod validation with field paths, the services' DomainErrors by kind, Fastify's
// body-parsing errors (415, 413, broken JSON), and anything else as a generic 500 whose log line carries the
// request id (Fastify's request logger adds reqId), so an operator can find it from the x-request-id header.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../services/errors';
import { ApiError, errors, renderError } from './errors';
import { OVERLOAD_RETRY_AFTER_SECONDS } from './hardening';
import { langOf, splitBilingual, text } from './i18n';
import { issueDetails, RequestValidationError } from './validation';

/** Seconds a client should wait before retrying an action no worker answered (503). */
export const RETRY_AFTER_SECONDS = 5;

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  validation: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
};

function fromDomain(err: DomainError): ApiError {
  const status = DOMAIN_STATUS[err.kind];
  const message = splitBilingual(err.message);
  // A validation DomainError names the request field (e.g. categoryCode); the others carry a stable code, which
  // the services write as case.<something> (services/case-actions.ts, services/intake.ts).
  const isCode = /^case\.[a-z_]+$/.test(err.field);
  if (err.kind === 'validation') {
    const code = isCode ? err.field : 'validation.failed';
    return new ApiError(400, code, message, isCode ? [] : [{ path: err.field, issue: message }]);
  }
  const headers: Record<string, string> =
    err.kind === 'unavailable' ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
  return new ApiError(status, isCode ? err.field : `case.${err.kind}`, message, [], headers);
}

/** Fastify's own request errors, by code; each becomes a 4xx in our shape. */
function fromFastify(err: FastifyError): ApiError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new ApiError(
        415,
        'request.unsupported_media_type',
        text('仅支持 application/json 请求体', 'Only application/json bodies are accepted'),
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'request.too_large', text('请求体过大', 'The request body is too large'), [
        { path: 'body', issue: text('超过大小上限', 'exceeds the size limit') },
      ]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.field('body', text('请求体不能为空', 'the JSON body is empty'));
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'request.malformed', text('请求体不是合法的 JSON', 'The body is not valid JSON'), [
        { path: 'body', issue: text('JSON 格式错误', 'malformed JSON') },
      ]);
    case 'FST_UNDER_PRESSURE':
      return new ApiError(
        503,
        'server.overloaded',
        text('服务繁忙，请稍后重试', 'The service is overloaded; please retry shortly'),
        [],
        {
          'retry-after': String(OVERLOAD_RETRY_AFTER_SECONDS),
        },
      );
    default:
      break;
  }
  if (err.code?.startsWith('FST_JWT_') || err.code === 'FAST_JWT_MISSING_SIGNATURE') return errors.unauthenticated();
  // JSON.parse's SyntaxError and secure-json-parse's prototype-poisoning refusal arrive as plain 400s.
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON|prototype/i.test(err.message))) {
    return new ApiError(400, 'request.malformed', text('请求体不是合法的 JSON', 'The body is not valid JSON'), [
      { path: 'body', issue: text('JSON 格式错误', 'malformed JSON') },
    ]);
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new ApiError(err.statusCode, 'request.invalid', text('请求无效', 'Invalid request'));
  }
  return null;
}

export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof RequestValidationError) return errors.validation(issueDetails(err.part, err.issues));
  if (err instanceof DomainError) return fromDomain(err);
  if (err instanceof Error) return fromFastify(err as FastifyError);
  return null;
}

const INTERNAL = new ApiError(
  500,
  'internal',
  text('服务器内部错误，请稍后重试', 'Something went wrong on our side; please try again'),
);

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const known = toApiError(err);
    if (known && known.statusCode === 503) req.log.warn({ err }, 'service unavailable');
    if (!known) req.log.error({ err }, 'unhandled error');
    const e = known ?? INTERNAL;
    for (const [name, value] of Object.entries(e.headers)) reply.header(name, value);
    return reply.code(e.statusCode).send(renderError(e, langOf(req)));
  });

  app.setNotFoundHandler((req, reply) => {
    const route = `${req.method} ${req.url.split('?')[0]}`.slice(0, 200);
    const e = new ApiError(404, 'route.not_found', text('接口不存在', 'No such route'), [
      { path: 'url', issue: text(route, route) },
    ]);
    return reply.code(404).send(renderError(e, langOf(req)));
  });
}

/**
 * Fastify's `frameworkErrors` option: errors raised by the router before any route or hook runs (a broken
 * percent-escape in the path, a path segment over the router's length limit). Without it they leave in Fastify's
 * own shape; found by test/fuzz/routes.test.ts.
 */
export function frameworkErrors(_err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const e = new ApiError(400, 'request.malformed', text('请求地址无效', 'The request URL is malformed'), [
    { path: 'url', issue: text('路径含无效编码或过长的片段', 'a path segment is badly encoded or too long') },
  ]);
  void reply
    .code(400)
    .header('x-request-id', req.id)
    .send(renderError(e, langOf(req)));
}
