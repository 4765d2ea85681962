// Intake as the API sees it: who the case is for, which household, how to contact them, where the photos go;
// then services/intake.ts fileCase, which routes it, writes the row and starts the workflow.
//
// A case accepted with 2xx is never lost: fileCase commits the row (with the exact workflow input) before it
// starts the workflow and answers only after both; if the start fails, the row stays workflow_started = false
// and the reconciler (run by every worker) or a retry with the same Idempotency-Key starts the same workflow.
// That is why a start failure after the row was written answers 503 with Retry-After, not 500.
import type { z } from 'zod';
import type { Actor } from '../domain/actions';
import { findCaseByIntakeKey } from '../db/queries/cases';
import { getCaseView } from '../db/queries/case-list';
import type { ResidentContact } from '../db/queries/reference';
import { isActiveResident } from '../db/queries/users';
import { fileCase, type IntakeResult } from '../services/intake';
import { DomainError } from '../services/errors';
import type { ApiContext } from './context';
import { ApiError, errors } from './errors';
import { RETRY_AFTER_SECONDS } from './error-handler';
import { text } from './i18n';
import type { intakeBodySchema, intakeResponseSchema } from './routes/case-schemas';

type IntakeBody = z.infer<typeof intakeBodySchema>;
type IntakeResponse = z.infer<typeof intakeResponseSchema>;

export const FILING_ROLES = ['resident', 'handler', 'supervisor', 'party_member', 'admin'] as const;

/** The resident the case is for: a resident files for themselves; staff may name a resident's account. */
async function residentFor(ctx: ApiContext, actor: Actor, body: IntakeBody): Promise<string | null> {
  if (actor.role === 'resident') {
    if (body.residentUserId !== undefined && body.residentUserId !== actor.userId) {
      throw errors.field('residentUserId', text('居民只能为自己提交诉求 (residents file for themselves)', 'residents file for themselves'));
    }
    return actor.userId;
  }
  if (body.residentUserId === undefined) return null;
  if (!(await isActiveResident(ctx.pool, body.residentUserId))) throw errors.field('residentUserId', text('不是居民账号', 'not a resident account'));
  return body.residentUserId;
}

function householdFor(residentUserId: string | null, contact: ResidentContact | null, body: IntakeBody): string | null {
  const households = contact?.households ?? [];
  if (body.householdId !== undefined) {
    if (residentUserId && !households.some((h) => h.id === body.householdId)) {
      throw errors.field('householdId', text('不是该居民的住户', 'not a household of this resident'));
    }
    return body.householdId;
  }
  // The resident's own household (the first by id), when the complaint is about their compound (党员联户 follows
  // the household).
  const own = households[0];
  return own && own.compoundCode === body.compoundCode ? own.id : null;
}

export async function fileFromRequest(ctx: ApiContext, actor: Actor, body: IntakeBody, key: string | undefined): Promise<{ result: IntakeResult; response: IntakeResponse }> {
  const residentUserId = await residentFor(ctx, actor, body);
  // Contact and households in one read, from the API's cache (dropped when any of their tables changes).
  const contact = residentUserId ? await ctx.reference.residentContact(residentUserId) : null;
  const householdId = householdFor(residentUserId, contact, body);
  const photos = await Promise.all((body.photos ?? []).map((p) => ctx.storage.put(p)));
  // Scoped by submitter: two users who happen to pick the same key never get each other's case.
  const intakeKey = key ? `${actor.userId}:${key}` : null;
  const request = {
    categoryCode: body.categoryCode,
    compoundCode: body.compoundCode,
    householdId,
    location: body.location,
    description: body.description,
    contactPreference: body.contactPreference ?? null,
    photos,
    contact: { name: body.contact?.name ?? contact?.nameZh ?? null, phone: body.contact?.phone ?? contact?.phone ?? null },
    residentUserId,
    intakeKey,
  };
  let result: IntakeResult;
  try {
    result = await fileCase({ pool: ctx.pool, temporal: ctx.temporal, taskQueue: ctx.taskQueue, reference: ctx.reference }, request);
  } catch (err) {
    if (!(err instanceof DomainError) && intakeKey && (await findCaseByIntakeKey(ctx.pool, intakeKey))) {
      throw new ApiError(503, 'case.unavailable', text('工单已保存，正在启动，请用同一 Idempotency-Key 重试', 'The case is saved but not started yet; retry with the same Idempotency-Key'), [], {
        'retry-after': String(RETRY_AFTER_SECONDS),
      });
    }
    throw err;
  }
  if (!result.created) await assertSameRequest(ctx, result.caseId, body);
  return { result, response: await intakeResponse(ctx, result) };
}

/** A key reused for a different complaint is a client bug; answering with the first case would hide it. */
async function assertSameRequest(ctx: ApiContext, caseId: string, body: IntakeBody): Promise<void> {
  const row = await getCaseView(ctx.pool, { id: caseId });
  if (row && row.categoryCode === body.categoryCode && row.compoundCode === body.compoundCode && row.description === body.description) return;
  throw errors.conflict('idempotency.key_reused', text('该 Idempotency-Key 已用于另一份诉求', 'This Idempotency-Key was already used for a different case'));
}

async function intakeResponse(ctx: ApiContext, { caseId, trackingCode, intake, dueAt }: IntakeResult): Promise<IntakeResponse> {
  const orgs = await ctx.reference.organizations([intake.handlerOrgId, intake.chain.communityOrgId]);
  const ref = (id: string) => {
    const o = orgs.get(id);
    if (!o) throw new Error(`organisation ${id} vanished during intake`);
    return { id: o.id, kind: o.kind as IntakeResponse['handler']['kind'], nameZh: o.nameZh, nameEn: o.nameEn };
  };
  // As written with the case's first events (domain openCase), which the workflow derives from the same intake.
  const deadlines = (['response', 'resolution'] as const).map((kind) => ({ kind, dueAt: new Date(dueAt[kind]).toISOString() }));
  return { caseId, trackingCode, handler: ref(intake.handlerOrgId), supervisor: ref(intake.chain.communityOrgId), deadlines };
}
