// Every loop action as POST /cases/:id/<action>, each a workflow Update (services/case-actions.ts). The order of
// answers is fixed: a case the caller may not see → 404; then 403 (role or organisation, domain/policy.ts) or 409
// (illegal in this state); no worker in time → 503. The workflow decides all three from its own state, first whether
// the caller may see the case (domain/policy.ts maySee), so an action costs no read of Postgres on its way; Postgres
// is asked only where the workflow cannot answer: a past handler (its history is in case_events), a case whose
// workflow is not running (missing, not started yet, or closed), and the organisations an action names.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ActionType, Actor, CaseAction } from '../../domain/actions';
import type { ActionResult } from '../../domain/case-view';
import { LEVELS, SATISFACTIONS, STAGES, STATUSES } from '../../domain/types';
import { getCaseScope } from '../../db/queries/case-list';
import { getOrganization } from '../../db/queries/reference';
import { isPartyMember } from '../../db/queries/users';
import { CaseClosedError, performAction } from '../../services/case-actions';
import { fastSerializerCompiler } from '../fast-serializer';
import { DomainError } from '../../services/errors';
import { actorOf, authenticate } from '../auth';
import type { ApiContext } from '../context';
import { ApiError, errorResponses, errors } from '../errors';
import { RETRY_AFTER_SECONDS } from '../error-handler';
import { text } from '../i18n';
import { bearer, caseIdParams, codeSchema, durationSchema, idempotencyKeySchema, shortText } from '../schemas';
import { canSee, handledByCaller } from '../visibility';

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
  reroute: z.strictObject({ handlerOrgId: codeSchema, reason }),
  assign_follow_up: z.strictObject({ owner: z.strictObject({ kind: z.enum(['grid_branch', 'party_member']), id: codeSchema }).optional(), note: note.optional() }),
  record_follow_up: z.strictObject({ findings: note, onSite: z.boolean().optional() }),
  urge: z.strictObject({ message: reason }),
  escalate: z.strictObject({ reason }),
  report: z.strictObject({ reason }),
  forward: z.strictObject({ departmentOrgId: codeSchema, reason }),
  evaluate: z.strictObject({ satisfaction: z.enum(SATISFACTIONS), solved: z.boolean(), comment: shortText(1000).optional() }),
  add_information: z.strictObject({ text: note }),
  withdraw: z.strictObject({ reason: reason.optional() }),
  close: z.strictObject({ reason }),
} satisfies Record<ActionType, z.ZodType>;

/** Actions whose every field is optional may be posted without a body. */
const BODY_OPTIONAL = new Set<ActionType>(['acknowledge', 'assign_follow_up', 'withdraw']);

const SUMMARIES: Record<ActionType, string> = {
  acknowledge: '受理 Acknowledge (handler)',
  progress: '进展 Report progress (handler)',
  resolve: '办结 Resolve (handler)',
  request_extension: '申请延期 Ask for an extension before the deadline (handler)',
  decide_extension: '审批延期 Decide an extension (supervisor)',
  return: '回退 Return a case that is not your duty (handler)',
  reroute: '改派 Re-route to another handler (supervisor)',
  assign_follow_up: '指派跟踪 Assign a follow-up owner (community committee)',
  record_follow_up: '跟踪记录 Record follow-up findings (follow-up owner)',
  urge: '催办 Urge the handler (supervisor)',
  escalate: '上报 Escalate to the street committee (supervisor)',
  report: '报告 Report to the organisation department (street committee)',
  forward: '转交 Forward to a functional department (organisation department)',
  evaluate: '评价 Evaluate the result (resident)',
  add_information: '补充信息 Add information (resident)',
  withdraw: '撤回 Withdraw (resident)',
  close: '关闭 Close with a reason (supervisor)',
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
  new ApiError(503, 'case.unavailable', text('工单正在启动，请用同一 Idempotency-Key 稍后重试', 'The case is still being started; retry with the same Idempotency-Key'), [], {
    'retry-after': String(RETRY_AFTER_SECONDS),
  });

const HANDLER_KINDS_FOR_REROUTE = new Set(['property_company', 'owners_committee', 'resident_association', 'functional_department']);

/** Organisations named in a body must exist and be of the right kind; the workflow trusts what it is given. */
async function checkReferences(ctx: ApiContext, action: CaseAction): Promise<void> {
  const expect = async (path: string, id: string, kinds: Set<string>) => {
    const org = await getOrganization(ctx.pool, id);
    if (!org || !kinds.has(org.kind)) throw errors.field(path, text('不是可选的组织', 'not an organisation that can take this case'));
  };
  if (action.type === 'reroute') await expect('handlerOrgId', action.handlerOrgId, HANDLER_KINDS_FOR_REROUTE);
  if (action.type === 'forward') await expect('departmentOrgId', action.departmentOrgId, new Set(['functional_department']));
  if (action.type === 'assign_follow_up' && action.owner?.kind === 'grid_branch') await expect('owner.id', action.owner.id, new Set(['grid_branch']));
  if (action.type === 'assign_follow_up' && action.owner?.kind === 'party_member') {
    if (!(await isPartyMember(ctx.pool, action.owner.id))) throw errors.field('owner.id', text('不是党员', 'not a party member'));
  }
}

const namesOrganisations = (action: CaseAction): boolean =>
  action.type === 'reroute' || action.type === 'forward' || (action.type === 'assign_follow_up' && action.owner !== undefined);

export const caseActionRoutes: FastifyPluginAsyncZod<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', authenticate(ctx.reference));
  /** The same 404 for a case that does not exist and one this caller may not see (api/visibility.ts). */
  const visibleScope = async (actor: Actor, caseId: string): Promise<void> => {
    const row = await getCaseScope(ctx.pool, caseId);
    if (!row || !(await canSee(ctx.pool, actor, row))) throw errors.caseNotFound();
  };
  // Every step of the loop answers through here: fast-json-stringify, checked against zod outside production.
  const resultSerializer = fastSerializerCompiler({ verify: ctx.config.NODE_ENV !== 'production' });

  for (const type of Object.keys(ACTION_BODIES) as ActionType[]) {
    const body = BODY_OPTIONAL.has(type) ? ACTION_BODIES[type].nullable() : ACTION_BODIES[type];
    app.post(`/cases/:id/${type.replace(/_/g, '-')}`, {
      schema: {
        tags: ['case actions'],
        summary: SUMMARIES[type],
        description: 'Idempotency-Key is required: a retry with the same key is applied once and answers the first result.',
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
        const action = { type, ...(req.body ?? {}) } as CaseAction;
        // An action naming organisations answers 404 before it answers for them (400): these few read the case first.
        if (namesOrganisations(action)) {
          await visibleScope(actor, caseId);
          await checkReferences(ctx, action);
        }
        // Scoped by user and action: another user's key, or this key on another action, is a different request.
        const requestId = `${actor.userId}:${type}:${req.headers['idempotency-key']}`;
        // Applied (its events are in Postgres before the Update answers), or perhaps applied (timed out): this
        // process's cached read of the case goes now, so the caller's next read here cannot precede the change's
        // notification. A rejection changed nothing.
        const perform = async (pastHandler?: boolean): Promise<ActionResult> => {
          let mayHaveApplied = true;
          try {
            return await performAction({ temporal: ctx.temporal, timeoutMs: ctx.actionTimeoutMs }, caseId, actor, action, requestId, pastHandler);
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
          if (err.field === 'case.not_visible') {
            // The workflow's state does not hold the handlers of the past; a past handler still sees the case.
            if (!(await handledByCaller(ctx.pool, actor, caseId))) throw errors.caseNotFound();
            return await perform(true);
          }
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
