// Every loop action as POST /cases/:id/<action>, each a workflow Update (services/case-actions.ts). The order of
// answers is fixed: a case the caller may not see → 404; then 400 for a named organisation or case that is not
// within the case's jurisdiction; 403 (role, organisation or level, domain/policy.ts) or 409 (illegal in this
// state); no worker in time → 503. The workflow decides who may see and act from its own state; Postgres is read
// only for a case whose workflow is not running and for the organisations and cases an action names.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ActionType, Actor, CaseAction } from '../../domain/actions';
import type { ActionResult } from '../../domain/case-view';
import { CALLBACK_CHANNELS, CLOSE_GROUNDS, LEVELS, SATISFACTIONS, STAGES, STATUSES } from '../../domain/types';
import { getCaseScope, type CaseScopeRow } from '../../db/queries/case-list';
import { servesAsHandler, servesForFollowUp } from '../../db/queries/jurisdiction';
import { getOrganization } from '../../db/queries/reference';
import { CaseClosedError, performAction } from '../../services/case-actions';
import { fastSerializerCompiler } from '../fast-serializer';
import { DomainError } from '../../services/errors';
import { actorOf, authenticate } from '../auth';
import type { ApiContext } from '../context';
import { ApiError, errorResponses, errors } from '../errors';
import { RETRY_AFTER_SECONDS } from '../error-handler';
import { text } from '../i18n';
import { bearer, caseIdParams, codeSchema, durationSchema, idempotencyKeySchema, shortText } from '../schemas';
import { canSee } from '../visibility';

const reason = shortText(500);
const note = shortText(2000);

/** Body of each action (the action type comes from the URL). Strict: an unknown field is an error, not ignored. */
export const ACTION_BODIES = {
  acknowledge: z.strictObject({ note: note.optional() }),
  progress: z.strictObject({ note }),
  resolve: z.strictObject({ summary: note, evidence: z.array(z.string().trim().min(1).max(200)).max(9).optional() }),
  request_extension: z.strictObject({ deadline: z.enum(['response', 'resolution']), extendBy: durationSchema, reason }),
  decide_extension: z.strictObject({ approve: z.boolean(), reason: reason.optional() }),
  return: z.strictObject({ reason }),
  decide_return: z.strictObject({
    decision: z.enum(['reroute', 'refuse']),
    handlerOrgId: codeSchema.optional(),
    reason,
  }),
  reroute: z.strictObject({ handlerOrgId: codeSchema, reason }),
  request_pause: z.strictObject({ reason }),
  decide_pause: z.strictObject({ approve: z.boolean(), reason: reason.optional() }),
  resume: z.strictObject({ note: note.optional() }),
  assign_follow_up: z.strictObject({
    owner: z.strictObject({ kind: z.enum(['grid_branch', 'party_member']), id: codeSchema }).optional(),
    note: note.optional(),
  }),
  record_follow_up: z.strictObject({ findings: note, onSite: z.boolean().optional() }),
  urge: z.strictObject({ message: reason }),
  escalate: z.strictObject({ reason }),
  report: z.strictObject({ reason }),
  forward: z.strictObject({ departmentOrgId: codeSchema, reason }),
  take_over: z.strictObject({ reason }),
  merge: z.strictObject({ primaryCaseId: z.uuid(), reason }),
  evaluate: z.strictObject({
    satisfaction: z.enum(SATISFACTIONS),
    solved: z.boolean(),
    comment: shortText(1000).optional(),
  }),
  record_callback: z.strictObject({
    channel: z.enum(CALLBACK_CHANNELS),
    satisfaction: z.enum(SATISFACTIONS),
    solved: z.boolean(),
    comment: shortText(1000).optional(),
  }),
  add_information: z.strictObject({ text: note }),
  withdraw: z.strictObject({ reason: reason.optional() }),
  close: z.strictObject({ ground: z.enum(CLOSE_GROUNDS), reason }),
} satisfies Record<ActionType, z.ZodType>;

/** Actions whose every field is optional may be posted without a body. */
const BODY_OPTIONAL = new Set<ActionType>(['acknowledge', 'assign_follow_up', 'withdraw', 'resume']);

const SUMMARIES: Record<ActionType, string> = {
  acknowledge: '受理 Acknowledge (handler)',
  progress: '进展 Report progress (handler)',
  resolve: '办结 Resolve (handler)',
  request_extension: '申请延期 Ask for an extension before the deadline (handler)',
  decide_extension: '审批延期 Decide an extension; undecided at the deadline it is deemed approved (supervisor)',
  return: '回退 Return a case that is not your duty; your deadlines keep running (handler)',
  decide_return: '审批回退 Decide a return: re-route to another handler or refuse (supervisor)',
  reroute: '改派 Re-route to another handler of the compound or community (supervisor)',
  request_pause: '申请挂起 Ask to pause the clock while the case waits on the resident (handler)',
  decide_pause: '审批挂起 Decide a pause (supervisor)',
  resume: '恢复 Resume a paused case (handler or supervisor)',
  assign_follow_up: '指派跟踪 Assign a follow-up owner of the community (community committee)',
  record_follow_up: '跟踪记录 Record follow-up findings (follow-up owner)',
  urge: '催办 Urge the handler (supervisor)',
  escalate: '上报 Escalate to the street committee (supervisor)',
  report: '报告 Report to the organisation department (street committee)',
  forward:
    "转交 Forward to a functional department's Party organisation, which then supervises (organisation department)",
  take_over: '提级督办 Take the case over from a lower level (higher supervisor)',
  merge: '合并 Merge into a primary case of the same compound (supervisor)',
  evaluate: '评价 Evaluate the result (resident)',
  record_callback: '回访 Record the resident’s evaluation by phone or visit (supervising committee)',
  add_information: '补充信息 Add information; ends a pause (resident)',
  withdraw: '撤回 Withdraw (resident)',
  close:
    '关闭 Close a duplicate, invalid or withdrawn case before resolution, or verified-unreasonable dissatisfaction (supervisor)',
};

const actionResultSchema = z.object({
  caseId: z.uuid(),
  status: z.enum(STATUSES),
  stage: z.enum(STAGES),
  level: z.enum(LEVELS),
  seq: z.number().int(),
  events: z.array(z.object({ seq: z.number().int(), type: z.string() })),
});

const actionHeaders = z.looseObject({ 'idempotency-key': idempotencyKeySchema });

const notStartedYet = () =>
  new ApiError(
    503,
    'case.unavailable',
    text(
      '工单正在启动，请用同一 Idempotency-Key 稍后重试',
      'The case is still being started; retry with the same Idempotency-Key',
    ),
    [],
    {
      'retry-after': String(RETRY_AFTER_SECONDS),
    },
  );

type Body<T extends ActionType> = z.infer<(typeof ACTION_BODIES)[T]>;

/**
 * The action as the workflow takes it. Organisations a body names must serve the case's compound or community
 * (jurisdiction); a merge's primary case must be one the caller sees, open, in the same compound.
 */
async function resolveAction(
  ctx: ApiContext,
  actor: Actor,
  row: CaseScopeRow,
  type: ActionType,
  body: Record<string, unknown> | null,
): Promise<CaseAction> {
  const community = row.chain?.communityOrgId ?? row.communityOrgId;
  const notHere = (path: string) =>
    errors.field(
      path,
      text('不是服务本工单小区或社区的单位', "not an organisation serving this case's compound or community"),
    );
  const handlerOrgId = (body?.handlerOrgId as string | undefined) ?? undefined;
  if (handlerOrgId !== undefined && !(await servesAsHandler(ctx.pool, handlerOrgId, row.compoundCode, community)))
    throw notHere('handlerOrgId');
  if (type === 'forward') {
    const org = await getOrganization(ctx.pool, (body as Body<'forward'>).departmentOrgId);
    if (!org || org.kind !== 'functional_department')
      throw errors.field('departmentOrgId', text('不是职能部门', 'not a functional department'));
  }
  const owner = (body as Body<'assign_follow_up'> | null)?.owner;
  if (type === 'assign_follow_up' && owner && !(await servesForFollowUp(ctx.pool, owner, community)))
    throw notHere('owner.id');
  if (type === 'merge') {
    const { primaryCaseId, reason } = body as Body<'merge'>;
    const primary = await getCaseScope(ctx.pool, primaryCaseId.toLowerCase());
    if (!primary || !canSee(actor, primary)) throw errors.field('primaryCaseId', text('找不到主工单', 'no such case'));
    if (primary.compoundCode !== row.compoundCode)
      throw errors.field(
        'primaryCaseId',
        text('主工单须属于同一小区', 'the primary case must be in the same compound'),
      );
    if (primary.status === 'closed')
      throw errors.field('primaryCaseId', text('主工单已关闭', 'the primary case is closed'));
    return {
      type,
      reason,
      primary: { caseId: primary.id, trackingCode: primary.trackingCode, compoundCode: primary.compoundCode },
    };
  }
  return { type, ...(body ?? {}) } as CaseAction;
}

/** Actions that name an organisation or a case: these read the case first, so 404 comes before their 400. */
const namesSomething = (type: ActionType, body: Record<string, unknown> | null): boolean =>
  type === 'reroute' ||
  type === 'forward' ||
  type === 'merge' ||
  (type === 'decide_return' && body?.handlerOrgId !== undefined) ||
  (type === 'assign_follow_up' && body?.owner !== undefined);

export const caseActionRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));
  /** The same 404 for a case that does not exist and one this caller may not see (api/visibility.ts). */
  const visibleScope = async (actor: Actor, caseId: string): Promise<CaseScopeRow> => {
    const row = await getCaseScope(ctx.pool, caseId);
    if (!row || !canSee(actor, row)) throw errors.caseNotFound();
    return row;
  };
  // Every step of the loop answers through here: fast-json-stringify, checked against zod outside production.
  const resultSerializer = fastSerializerCompiler({ verify: ctx.config.NODE_ENV !== 'production' });

  for (const type of Object.keys(ACTION_BODIES) as ActionType[]) {
    const body = BODY_OPTIONAL.has(type) ? ACTION_BODIES[type].nullable() : ACTION_BODIES[type];
    app.post(`/cases/:id/${type.replace(/_/g, '-')}`, {
      schema: {
        tags: ['case actions'],
        summary: SUMMARIES[type],
        description:
          'Idempotency-Key is required: a retry with the same key is applied once and answers the first result.',
        security: bearer,
        params: caseIdParams,
        headers: actionHeaders,
        body,
        response: { 200: actionResultSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
      },
      serializerCompiler: resultSerializer,
      handler: async (req) => {
        const actor = actorOf(req);
        // Workflow ids carry the id as Postgres spells it.
        const caseId = req.params.id.toLowerCase();
        const body = (req.body ?? null) as Record<string, unknown> | null;
        const action = namesSomething(type, body)
          ? await resolveAction(ctx, actor, await visibleScope(actor, caseId), type, body)
          : ({ type, ...(body ?? {}) } as CaseAction);
        // Scoped by user and action: another user's key, or this key on another action, is a different request.
        const requestId = `${actor.userId}:${type}:${req.headers['idempotency-key']}`;
        // Applied (its events are in Postgres before the Update answers), or perhaps applied (timed out): this
        // process's cached read of the case goes now, so the caller's next read here cannot precede the change's
        // notification. A rejection changed nothing.
        const perform = async (): Promise<ActionResult> => {
          let mayHaveApplied = true;
          try {
            return await performAction(
              { temporal: ctx.temporal, timeoutMs: ctx.actionTimeoutMs },
              caseId,
              actor,
              action,
              requestId,
            );
          } catch (err) {
            mayHaveApplied = !(err instanceof DomainError) || err.kind === 'unavailable';
            throw err;
          } finally {
            if (mayHaveApplied) ctx.cases.changed(caseId);
          }
        };
        try {
          return await perform();
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          if (err.field === 'case.not_visible') throw errors.caseNotFound();
          if (err.kind === 'not_found' || err instanceof CaseClosedError) {
            // No running workflow answered: whether the case exists, and may be seen, is Postgres's to say.
            await visibleScope(actor, caseId);
            // The row exists but its workflow does not yet: intake's start is being retried by the reconciler.
            if (err.kind === 'not_found') throw notStartedYet();
          }
          throw err;
        }
      },
    });
  }
};
