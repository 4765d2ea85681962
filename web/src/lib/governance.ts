// Proactive governance (主动治理) through the public API: hotspots, repeat problems, governance topics, duplicate
// hints at intake and the QR codes of a compound. Every shape is the generated schema's, named here once.
import { api, ok } from '../api/client';
import type { paths } from '../api/schema';
import type { Compound, Me } from '../api/types';
import { isUnder, type Reference } from './reference';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Ok<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { responses: { 200: infer R } }
  ? Json<R>
  : never;
type QueryOf<P extends keyof paths> = NonNullable<
  paths[P] extends { get: { parameters: { query?: infer Q } } } ? Q : never
>;

export type Hotspots = Ok<'/api/v1/stats/hotspots', 'get'>;
export type HotspotItem = Hotspots['items'][number];
export type HotspotGroupBy = NonNullable<QueryOf<'/api/v1/stats/hotspots'>['groupBy']>;
export type RepeatProblem = Ok<'/api/v1/stats/repeat-problems', 'get'>['items'][number];
export type TopicSummary = Ok<'/api/v1/topics', 'get'>['items'][number];
export type Topic = Ok<'/api/v1/topics/{id}', 'get'>;
export type TopicBody = Json<paths['/api/v1/topics']['post']['requestBody']>;
export type PublicTopic = Ok<'/api/v1/public/topics', 'get'>['items'][number];
export type CaseTopic = Ok<'/api/v1/cases/{id}/topics', 'get'>['items'][number];
export type SimilarCase = Ok<'/api/v1/cases/similar', 'get'>['items'][number];
export type QrCodes = Ok<'/api/v1/compounds/{code}/qr-codes', 'get'>;

export const hotspots = (period: string, groupBy: HotspotGroupBy) =>
  ok(api.GET('/api/v1/stats/hotspots', { params: { query: { period, groupBy } } }));

export const repeatProblems = (status: 'open' | 'all') =>
  ok(api.GET('/api/v1/stats/repeat-problems', { params: { query: { status } } }));

export const closeRepeatProblem = (id: string, reason: string) =>
  ok(api.POST('/api/v1/stats/repeat-problems/{id}/close', { params: { path: { id } }, body: { reason } }));

export const listTopics = (status: 'open' | 'closed' | 'all') =>
  ok(api.GET('/api/v1/topics', { params: { query: { status } } }));

export const getTopic = (id: string) => ok(api.GET('/api/v1/topics/{id}', { params: { path: { id } } }));

export const openTopic = (body: TopicBody, key: string) =>
  ok(api.POST('/api/v1/topics', { params: { header: { 'idempotency-key': key } }, body }));

export const publicTopics = () => ok(api.GET('/api/v1/public/topics'));

export const topicsOfCase = (id: string) => ok(api.GET('/api/v1/cases/{id}/topics', { params: { path: { id } } }));

export const similarCases = (compound: string, building: string, category: string) =>
  ok(api.GET('/api/v1/cases/similar', { params: { query: { compound, building, category } } }));

export const duplicatesOf = (id: string) => ok(api.GET('/api/v1/cases/{id}/duplicates', { params: { path: { id } } }));

/** Following is idempotent by itself (a second follow changes nothing), so it needs no Idempotency-Key. */
export const followCase = (id: string) => ok(api.POST('/api/v1/cases/{id}/follow', { params: { path: { id } } }));

export const qrCodes = (code: string) =>
  ok(api.GET('/api/v1/compounds/{code}/qr-codes', { params: { path: { code } } }));

/** A QR image as an object URL: the image routes want the bearer token, which an <img src> cannot send. */
export async function qrImageUrl(code: string, building: string | null): Promise<string> {
  const { data, response } = await api.GET('/api/v1/compounds/{code}/qr.svg', {
    params: { path: { code }, query: building ? { building } : {} },
    parseAs: 'blob',
  });
  if (!response.ok || !data) throw new Error(`HTTP ${response.status}`);
  return URL.createObjectURL(data);
}

/** The compounds this user works on: its community's or street's, its own as a handler, all for admins. */
export function compoundsInScope(ref: Reference, me: Me | null): Compound[] {
  const org = me?.organization?.id;
  if (me?.role === 'admin' || !org) return ref.compounds;
  return ref.compounds.filter(
    (c) =>
      c.propertyCompanyOrgId === org ||
      c.ownersCommitteeOrgId === org ||
      (typeof c.communityOrgId === 'string' && isUnder(ref, c.communityOrgId, org)),
  );
}
