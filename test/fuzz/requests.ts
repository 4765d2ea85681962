// Malformed requests for any route, generated from the API's own OpenAPI document: every /api/v1 route is found
// there, with its path, query and header parameters and its JSON body schema, so a route added tomorrow is fuzzed
// without an edit here. Each probe is malformed by construction (a value its schema refuses, a broken or
// mis-typed body, a bad token, a junk path), so the only right answer is a 4xx in the API's error shape.
import fc from 'fast-check';
import { jwtPart, OLD_DEVELOPMENT_SECRET, signHs256 } from '../helpers/tokens';

export interface JsonSchema {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}

export interface Route {
  method: string;
  /** The OpenAPI template, e.g. /api/v1/cases/{id}. */
  path: string;
  params: Param[];
  body: JsonSchema | null;
  secured: boolean;
}

export interface Probe {
  kind: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** The one status this probe must get, when it is fixed (415, 413, 401, 404); otherwise any 4xx. */
  status?: number;
}

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: Param[]; requestBody?: { content?: Record<string, { schema: JsonSchema }> }; security?: unknown[] }
    >
  >;
}

/** Every /api/v1 route of the document. */
export function routesOf(doc: OpenApi): Route[] {
  return Object.entries(doc.paths)
    .filter(([p]) => p.startsWith('/api/v1/'))
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
        secured: (op.security?.length ?? 0) > 0,
      })),
    );
}

export interface Defaults {
  /** A real case id, so a probe that slipped through validation would act on a real case (and be caught). */
  caseId: string;
  token: string;
}

/** A value the parameter's schema accepts, for the parameters a probe is not about. */
function validParam(p: Param, d: Defaults, n: number): string {
  if (p.in === 'header') return `fuzz-${n}-${Date.now()}`;
  if (p.schema.format === 'uuid') return d.caseId;
  if (p.schema.enum) return String(p.schema.enum[0]);
  if (isDate(p.schema)) return '2027-01-04';
  if (isMonth(p.schema)) return '2026-10';
  return 'lift';
}

/** A day (YYYY-MM-DD) or a month (YYYY-MM) parameter, as the API's patterns spell them. */
const isDate = (s: JsonSchema) => s.pattern?.endsWith('-\\d{2}-\\d{2}$') === true;
const isMonth = (s: JsonSchema) => s.pattern?.endsWith('-(0[1-9]|1[0-2])$') === true;

/**
 * Periods, days and ranges the loop cannot hold: years outside 2000–2100 (a year 0000 once made eight routes answer
 * 500), days and months that do not exist, and a range of a century. Every period, date and range parameter must
 * refuse each with a 400 naming the field.
 */
export const PERIOD_JUNK = {
  month: ['0000-01', '1999-12', '2101-01', '9999-12', '2026-00', '2026-13', '-2026-01', '20260'],
  date: [
    '0000-01-01',
    '1999-12-31',
    '2101-01-01',
    '9999-12-31',
    '2026-02-30',
    '2026-13-01',
    '0001-01-01',
    '+2026-01-01',
  ],
};

export interface PeriodProbe extends Probe {
  /** The field the 400 must name. */
  field: string;
}

/** Every junk period, day and range for each period, date and range parameter of the route (query, path or body). */
export function periodProbes(route: Route, d: Defaults, n: number): PeriodProbe[] {
  const probes: PeriodProbe[] = [];
  const junkFor = (s: JsonSchema) => (isDate(s) ? PERIOD_JUNK.date : isMonth(s) ? PERIOD_JUNK.month : []);
  const headers = baseHeaders(route, d, n);
  const required = route.params
    .filter((p) => p.in === 'query' && p.required)
    .map((p) => `${p.name}=${encodeURIComponent(validParam(p, d, n))}`);
  for (const p of route.params) {
    for (const junk of junkFor(p.schema)) {
      if (p.in === 'path') {
        const body = route.body
          ? { headers: { ...headers, 'content-type': 'application/json' }, payload: '{}' }
          : { headers };
        probes.push({
          kind: `period path ${p.name}`,
          field: p.name,
          method: route.method,
          url: buildUrl(route, d, n, { [p.name]: encodeURIComponent(junk) }),
          status: 400,
          ...body,
        });
      } else if (p.in === 'query') {
        // A day of a range travels with a valid other end, so the answer is about this one.
        const other = p.name === 'from' ? 'to=2027-01-04' : p.name === 'to' ? 'from=2027-01-04' : '';
        const q = [
          ...required.filter((r) => !r.startsWith(`${p.name}=`)),
          `${p.name}=${encodeURIComponent(junk)}`,
          other,
        ]
          .filter(Boolean)
          .join('&');
        probes.push({
          kind: `period query ${p.name}`,
          field: p.name,
          method: route.method,
          url: buildUrl(route, d, n, {}, q),
          headers,
          status: 400,
        });
      }
    }
  }
  // A range of a century where a period is asked for.
  if (
    route.params.some((p) => p.in === 'query' && p.name === 'period') &&
    route.params.some((p) => p.in === 'query' && p.name === 'to')
  ) {
    const q = [...required, 'from=2000-01-01', 'to=2100-12-31'].join('&');
    probes.push({
      kind: 'period range',
      field: 'to',
      method: route.method,
      url: buildUrl(route, d, n, {}, q),
      headers,
      status: 400,
    });
  }
  for (const [name, s] of Object.entries(route.body?.properties ?? {})) {
    for (const junk of junkFor(s)) {
      probes.push({
        kind: `period body ${name}`,
        field: name,
        method: route.method,
        url: buildUrl(route, d, n),
        headers: { ...headers, 'content-type': 'application/json' },
        payload: JSON.stringify({ [name]: junk }),
        status: 400,
      });
    }
  }
  return probes;
}

const SQL_AND_SCRIPT = [
  "x'; DROP TABLE cases;--",
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '../../etc/passwd',
  '${jndi:ldap://x}',
];
/** Path segments no parameter schema accepts: quotes, spaces, upper case, traversal, control and broken escapes. */
const PATH_JUNK = [
  ...SQL_AND_SCRIPT.map(encodeURIComponent),
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%00',
  'A%20B',
  'UPPER',
  '%F0%9F%98%80',
  '%E0%A4%A',
  '%ZZ',
  'a'.repeat(3000),
  '-1',
  '1e400',
];
const QUERY_VALUE_JUNK = [
  ...SQL_AND_SCRIPT.map(encodeURIComponent),
  '',
  '%00',
  'a%00b',
  '%E0%A4%A',
  '%ZZ',
  'x'.repeat(3000),
  '1e400',
  '-1',
  '99999999999999999999',
  '1.5',
  'NaN',
  'UPPER%20CASE',
  '0000-01',
  '0000-01-01',
  '9999-12-31',
  '2101-01',
];

function buildUrl(route: Route, d: Defaults, n: number, override: Record<string, string> = {}, query = ''): string {
  const path = route.path.replace(
    /\{([^}]+)\}/g,
    (_, name: string) =>
      override[name] ??
      encodeURIComponent(
        validParam(
          route.params.find((p) => p.name === name)!,
          d,
          n,
        ),
      ),
  );
  return query ? `${path}?${query}` : path;
}

function baseHeaders(route: Route, d: Defaults, n: number): Record<string, string> {
  const h: Record<string, string> = route.secured ? { authorization: `Bearer ${d.token}` } : {};
  for (const p of route.params) if (p.in === 'header' && p.required) h[p.name] = validParam(p, d, n);
  return h;
}

const nullable = (s: JsonSchema) =>
  s.nullable === true || s.type === 'null' || !!s.anyOf?.some((a) => a.type === 'null');

/** JSON texts of values a property's schema certainly refuses. */
function badValuesFor(s: JsonSchema): string[] {
  const out: string[] = [];
  const t = s.type;
  if (!t) return ['{"__proto__":{"x":1}}'];
  if (t !== 'string') out.push('"text"', '""');
  if (t !== 'number' && t !== 'integer') out.push('42', '1e400', '123456789012345678901234567890');
  if (t !== 'boolean') out.push('true');
  if (t !== 'array') out.push('[]', '[[[[[[[[[[1]]]]]]]]]]');
  if (t !== 'object') out.push('{}');
  if (!nullable(s)) out.push('null');
  if (t === 'string') {
    if (s.maxLength !== undefined && s.maxLength < 100_000) out.push(JSON.stringify('长'.repeat(s.maxLength + 1)));
    if ((s.minLength ?? 0) > 0) out.push('""');
    if (s.enum) out.push('"not-one-of-them"', JSON.stringify(String(s.enum[0]).toUpperCase() + '_'));
    if (s.format === 'uuid') out.push('"00000000-0000-0000-0000"');
    if (s.pattern) out.push(...SQL_AND_SCRIPT.map((v) => JSON.stringify(v)), '"\\u0000"');
    // Text PostgreSQL cannot store: NUL, and lone surrogates as JSON escapes (JSON.parse makes them, UTF-8 cannot).
    out.push('"a\\u0000b"', '"\\ud800"', '"x\\udc00"', '"\\ude00\\ud83d"');
  }
  if (t === 'number' || t === 'integer') {
    out.push('1e400', '-1e400');
    if (s.maximum !== undefined) out.push(String(s.maximum + 1), '1e308');
    if (s.minimum !== undefined) out.push(String(s.minimum - 1), '-1e308');
    if (t === 'integer') out.push('1.5');
  }
  return out;
}

const junkKey = fc.stringMatching(/^[a-zA-Z$_][a-zA-Z0-9_]{0,16}$/);

/** Bodies whose content its schema refuses, whatever the encoding. */
function badBodies(schema: JsonSchema): fc.Arbitrary<{ kind: string; text: string }> {
  const props = Object.entries(schema.properties ?? {});
  const roots = ['[]', '"text"', '42', 'true', '[{}]', ...(nullable(schema) ? [] : ['null'])].map((text) => ({
    kind: 'root type',
    text,
  }));
  const options: fc.Arbitrary<{ kind: string; text: string }>[] = [fc.constantFrom(...roots)];
  if (schema.additionalProperties === false) {
    options.push(
      junkKey
        .filter((k) => !(k in (schema.properties ?? {})) && !['__proto__', 'constructor', 'prototype'].includes(k))
        .map((k) => ({ kind: 'unknown field', text: JSON.stringify({ [k]: 'x' }) })),
      fc
        .constantFrom('{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}')
        .map((text) => ({ kind: 'prototype', text })),
      fc.constant({ kind: 'deep nesting', text: `{"zz_deep":${'['.repeat(20_000)}${']'.repeat(20_000)}}` }),
    );
  }
  const fields = props.flatMap(([name, s]) =>
    badValuesFor(s).map((v) => ({ kind: `field ${name}`, text: `{${JSON.stringify(name)}:${v}}` })),
  );
  if (fields.length) options.push(fc.constantFrom(...fields));
  return fc.oneof(...options);
}

/** A refused body made worse at the byte level: broken, badly encoded, or mislabelled. */
function encodedBodies(route: Route, d: Defaults, n: number): fc.Arbitrary<Omit<Probe, 'method' | 'url'>> {
  const schema = route.body!;
  const headers = { ...baseHeaders(route, d, n), 'content-type': 'application/json' };
  const plain = badBodies(schema).map((b) => ({ kind: `body: ${b.kind}`, headers, payload: b.text }));
  const broken = fc
    .tuple(badBodies(schema), fc.nat(), fc.constantFrom('', '}', ',', '{{', '\u0000', "'", 'undefined', '/*', 'NaN'))
    .map(([b, cut, junk]) => ({
      kind: 'body: broken JSON',
      headers,
      payload: b.text.slice(0, cut % Math.max(b.text.length, 1)) + junk,
      status: 400,
    }))
    .filter((p) => !parses(p.payload));
  const bytes = badBodies(schema).chain((b) =>
    fc.constantFrom(
      {
        kind: 'body: invalid UTF-8',
        headers,
        payload: Buffer.concat([
          Buffer.from(b.text.slice(0, -1)),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
          Buffer.from(b.text.slice(-1)),
        ]),
      },
      {
        kind: 'body: UTF-16',
        headers: { ...headers, 'content-type': 'application/json; charset=utf-16le' },
        payload: Buffer.from(b.text, 'utf16le'),
      },
      { kind: 'body: BOM', headers, payload: `\uFEFF${b.text}` },
    ),
  );
  const contentType = fc
    .constantFrom(
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'image/png',
      'application/jsonx',
      'text/json',
    )
    .map((ct) => ({
      kind: 'body: content type',
      headers: { ...headers, 'content-type': ct },
      payload: 'a=1&b=2',
      status: 415,
    }));
  // Intake takes up to nine photos, so its limit is megabytes; everything else refuses a 300 KB body.
  const big =
    route.path === '/api/v1/cases'
      ? []
      : [
          fc.constant({
            kind: 'body: oversize',
            headers,
            payload: JSON.stringify({ zz: 'x'.repeat(300 * 1024) }),
            status: 413,
          }),
        ];
  return fc.oneof(plain, broken, bytes, contentType, ...big);
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A junk value in one path parameter (the rest valid), with a refused body where the route takes one. */
function pathProbes(route: Route, d: Defaults, n: number): fc.Arbitrary<Probe> | null {
  const pathParams = route.params.filter((p) => p.in === 'path');
  if (pathParams.length === 0) return null;
  return fc.tuple(fc.constantFrom(...pathParams), fc.constantFrom(...PATH_JUNK)).map(([p, junk]) => ({
    kind: `path ${p.name}`,
    method: route.method,
    url: buildUrl(route, d, n, { [p.name]: junk }),
    headers: { ...baseHeaders(route, d, n), ...(route.body ? { 'content-type': 'application/json' } : {}) },
    ...(route.body ? { payload: '{"zz_unknown":1}' } : {}),
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a query value (as sent, percent-encoded) is certainly refused by its schema; unsure counts as no. */
function refuses(s: JsonSchema, raw: string): boolean {
  let v = raw;
  try {
    v = decodeURIComponent(raw);
  } catch {
    // a broken escape reaches the route as it is
  }
  // Every string the API accepts refuses NUL, and NUL is no number, boolean or enum member either.
  if (v.includes('\u0000')) return true;
  if (s.enum) return !s.enum.map(String).includes(v);
  if (s.type === 'number' || s.type === 'integer') {
    const x = Number(v);
    return (
      v.trim() === '' ||
      !Number.isFinite(x) ||
      (s.type === 'integer' && !Number.isInteger(x)) ||
      (s.minimum !== undefined && x < s.minimum) ||
      (s.maximum !== undefined && x > s.maximum)
    );
  }
  if (s.type === 'boolean') return !['true', 'false'].includes(v);
  if (s.format === 'uuid' && !UUID.test(v)) return true;
  if (s.maxLength !== undefined && v.length > s.maxLength) return true;
  if ((s.minLength ?? 0) > v.length) return true;
  return s.pattern !== undefined && !new RegExp(s.pattern).test(v);
}

/** Junk in the query: a declared parameter's value, an unknown name, repetition, brackets, broken escapes. */
function queryProbes(route: Route, d: Defaults, n: number): fc.Arbitrary<Probe> | null {
  const declared = route.params.filter((p) => p.in === 'query');
  if (declared.length === 0) return null;
  const names = declared.map((p) => p.name);
  const queries = fc.oneof(
    fc
      .tuple(fc.constantFrom(...declared), fc.constantFrom(...QUERY_VALUE_JUNK))
      .filter(([p, v]) => refuses(p.schema, v))
      .map(([p, v]) => ({ kind: `query ${p.name}`, q: `${p.name}=${v}` })),
    junkKey.filter((k) => !names.includes(k)).map((k) => ({ kind: 'query unknown', q: `${k}=1` })),
    fc.constantFrom(...names).map((k) => ({ kind: 'query repeated', q: `${k}=a&${k}=b` })),
    fc.constantFrom(...names).map((k) => ({ kind: 'query brackets', q: `${k}[]=x&${k}[a]=b` })),
    fc
      .constantFrom('__proto__[x]=1', 'constructor[prototype][x]=1', '__proto__=x')
      .map((q) => ({ kind: 'query prototype', q })),
  );
  return queries.map(({ kind, q }) => ({
    kind,
    method: route.method,
    url: buildUrl(route, d, n, {}, q),
    headers: baseHeaders(route, d, n),
  }));
}

const ADMIN_CLAIMS = { userId: 'u-admin', role: 'admin', organizationId: 'org-dept', personId: null };
const BAD_CREDENTIALS: Record<string, string>[] = [
  { authorization: 'Bearer' },
  { authorization: 'Bearer not-a-token' },
  { authorization: 'Bearer a.b.c' },
  { authorization: `Bearer ${'x'.repeat(8000)}` },
  { authorization: 'Basic YWRtaW46cmVkc3Rld2FyZA==' },
  {
    authorization: `Bearer ${jwtPart({ alg: 'none', typ: 'JWT' })}.${jwtPart({ userId: 'u-admin', role: 'admin', organizationId: null, personId: null })}.`,
  },
  {
    authorization: `Bearer ${jwtPart({ alg: 'HS256', typ: 'JWT' })}.${jwtPart({ userId: 'u-admin', role: 'admin' })}.${'A'.repeat(43)}`,
  },
  {
    authorization: `Bearer ${signHs256(OLD_DEVELOPMENT_SECRET, { ...ADMIN_CLAIMS, iat: 1_790_000_000, exp: 4_102_444_800 })}`,
  },
  { authorization: `Bearer ${signHs256(OLD_DEVELOPMENT_SECRET, ADMIN_CLAIMS)}` },
  { 'x-api-key': 'rsk_bad' },
  { 'x-api-key': `rsk_abcdefgh.${'x'.repeat(40)}` },
];

/** A secured route with a bad or forged credential: 401 before anything else is looked at. */
function authProbes(route: Route, d: Defaults, n: number): fc.Arbitrary<Probe> | null {
  if (!route.secured) return null;
  return fc.constantFrom(...BAD_CREDENTIALS).map((cred) => {
    const headers = { ...baseHeaders(route, d, n), ...cred };
    if (!('authorization' in cred)) delete headers.authorization;
    return {
      kind: 'credential',
      method: route.method,
      url: buildUrl(route, d, n),
      headers: { ...headers, ...(route.body ? { 'content-type': 'application/json' } : {}) },
      ...(route.body ? { payload: '{"zz_unknown":1}' } : {}),
      status: 401,
    };
  });
}

/** Every kind of malformed request that applies to this route. */
export function probesFor(route: Route, d: Defaults, n: number, methodsAtPath: string[]): fc.Arbitrary<Probe> {
  const options: fc.Arbitrary<Probe>[] = [];
  if (route.body)
    options.push(encodedBodies(route, d, n).map((b) => ({ ...b, method: route.method, url: buildUrl(route, d, n) })));
  for (const p of [pathProbes(route, d, n), queryProbes(route, d, n), authProbes(route, d, n)]) if (p) options.push(p);
  // A method the path does not serve (HEAD comes with GET); another route's pattern may still match, so any 4xx.
  const other = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !methodsAtPath.includes(m));
  if (other.length)
    options.push(
      fc
        .constantFrom(...other)
        .map((m) => ({ kind: 'method', method: m, url: buildUrl(route, d, n), headers: baseHeaders(route, d, n) })),
    );
  return fc.oneof(...options);
}
