// Names for the shapes the app uses, all taken from the generated schema (never written by hand).
import type { paths } from './schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Ok<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { responses: { 200: infer R } }
  ? Json<R>
  : never;

export type Me = Ok<'/api/v1/me', 'get'>;
export type Household = NonNullable<Me['households']>[number];
export type CaseDetail = Ok<'/api/v1/cases/{id}', 'get'>;
export type CaseList = Ok<'/api/v1/cases', 'get'>;
export type CaseSummary = CaseList['items'][number];
export type ListQuery = NonNullable<paths['/api/v1/cases']['get']['parameters']['query']>;
export type Deadline = CaseSummary['deadlines'][number];
export type TimelineEntry = CaseDetail['timeline'][number];
export type ContactViews = Ok<'/api/v1/cases/{id}/contact-views', 'get'>;
export type Category = Ok<'/api/v1/categories', 'get'>['items'][number];
export type Compound = Ok<'/api/v1/compounds', 'get'>['items'][number];
export type OrgNode = Ok<'/api/v1/organizations', 'get'>['items'][number];
export type IntakeBody = Json<paths['/api/v1/cases']['post']['requestBody']>;
export type IntakeResult = paths['/api/v1/cases']['post']['responses'][201]['content']['application/json'];
export type Stage = CaseSummary['stage'];
export type Status = CaseSummary['status'];
export type Level = CaseSummary['level'];
export type Outcome = NonNullable<CaseSummary['outcome']>;
export type Role = Me['role'];
export type OrgKind = OrgNode['kind'];

/** Every loop action as its URL segment (POST /cases/{id}/<action>). */
export type ActionPath = {
  [P in keyof paths]: P extends `/api/v1/cases/{id}/${infer A}`
    ? A extends `${string}/${string}`
      ? never
      : paths[P] extends { post: object }
        ? A
        : never
    : never;
}[keyof paths];
export type ActionBody<A extends ActionPath> = NonNullable<
  Json<NonNullable<paths[`/api/v1/cases/{id}/${A}`]['post']['requestBody']>>
>;
export type ActionResult = Ok<'/api/v1/cases/{id}/acknowledge', 'post'>;
