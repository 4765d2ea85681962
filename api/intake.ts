// Intake as the API sees it: who may file about which compound and for whom, the per-account daily quota, which
// household, how to contact them (and whether that contact is proven), where the photos go; then services/intake.ts
// fileCase, which routes it, writes the row and starts the workflow. The rules: api/README.md "Intake rules".
//
// A case accepted with 2xx is never lost: fileCase commits the row (with the exact workflow input) before it
// starts the workflow and answers only after both; if the start fails, the row stays workflow_started = false
// and the reconciler (run by every worker) or a retry with the same Idempotency-Key starts the same workflow.
// That is why a start failure after the row was written answers 503 with Retry-After, not 500.
import type { z } from 'zod';
import type { Actor } from '../domain/actions';
import { findCaseByIntakeKey } from '../db/queries/cases';
import { getCaseView } from '../db/queries/case-list';
import { intakeUsage } from '../db/queries/intake-quota';
import { filesForCompound } from '../db/queries/jurisdiction';
import type { ResidentContact } from '../db/queries/reference';
import { isResidentOfCompound } from '../db/queries/users';
import { fileCase, type IntakeResult } from '../services/intake';
import { DomainError } from '../services/errors';
import type { ApiContext } from './context';
import { ApiError, errors } from './errors';
import { RETRY_AFTER_SECONDS } from './error-handler';
import { text } from './i18n';
import { storeWithoutMetadata } from './photos';
import type { intakeBodySchema, intakeResponseSchema } from './routes/case-schemas';

type IntakeBody = z.infer<typeof intakeBodySchema>;
type IntakeResponse = z.infer<typeof intakeResponseSchema>;

export const FILING_ROLES = ['resident', 'handler', 'supervisor', 'party_member', 'admin'] as const;

/** Who the case is for, and the contact it starts with. */
interface Complainant {
  residentUserId: string | null;
  /** The complainant's account contact and households; only households are used when staff file on their behalf. */
  account: ResidentContact | null;
  contact: { name: string | null; phone: string | null };
  contactVerified: boolean;
}

/**
 * A resident files for themselves, about a compound where they have a household; the contact defaults to their
 * account's, and a phone typed for someone else stays unverified until a code sent to it comes back.
 */
async function residentFiling(ctx: ApiContext, actor: Actor, body: IntakeBody): Promise<Complainant> {
  if (body.residentUserId !== undefined && body.residentUserId !== actor.userId) {
    throw errors.field(
      'residentUserId',
      text('居民只能为自己提交诉求 (residents file for themselves)', 'residents file for themselves'),
    );
  }
  const account = await ctx.reference.residentContact(actor.userId);
  if (!account?.households.some((h) => h.compoundCode === body.compoundCode)) {
    throw errors.field(
      'compoundCode',
      text('只能为本人住户所在的小区提交诉求', 'residents file only about a compound where they have a household'),
    );
  }
  const phone = body.contact?.phone ?? account.phone;
  return {
    residentUserId: actor.userId,
    account,
    contact: { name: body.contact?.name ?? account.nameZh, phone },
    contactVerified: phone === account.phone,
  };
}

const NOT_YOURS = text('不是您服务或监督范围内的小区', 'not a compound you serve or supervise');
// One answer whether the id does not exist, is not a resident, or lives outside the compound: no probing of ids.
const NOT_A_RESIDENT_HERE = text('不是该小区可代为提交的居民账号', 'not a resident of this compound you may file for');

/**
 * Staff file about compounds they serve or supervise (admins anywhere), for a resident with a household there. The
 * resident's name and phone are never copied from their account: only what the staff typed, unverified, until the
 * resident confirms their own contact (POST /cases/:id/contact/confirm) or a code sent to the phone comes back.
 */
async function staffFiling(ctx: ApiContext, actor: Actor, body: IntakeBody): Promise<Complainant> {
  if (
    actor.role !== 'admin' &&
    !(actor.organizationId && (await filesForCompound(ctx.pool, actor.organizationId, body.compoundCode)))
  ) {
    throw errors.field('compoundCode', NOT_YOURS);
  }
  const residentUserId = body.residentUserId ?? null;
  if (residentUserId !== null && !(await isResidentOfCompound(ctx.pool, residentUserId, body.compoundCode))) {
    throw errors.field('residentUserId', NOT_A_RESIDENT_HERE);
  }
  const account = residentUserId ? await ctx.reference.residentContact(residentUserId) : null;
  return {
    residentUserId,
    account,
    contact: { name: body.contact?.name ?? null, phone: body.contact?.phone ?? null },
    contactVerified: false,
  };
}

function householdFor(who: Complainant, body: IntakeBody): string | null {
  const households = who.account?.households ?? [];
  if (body.householdId !== undefined) {
    if (who.residentUserId && !households.some((h) => h.id === body.householdId)) {
      throw errors.field('householdId', text('不是该居民的住户', 'not a household of this resident'));
    }
    return body.householdId;
  }
  // The resident's own household in the compound (the first by id): 党员联户 follows the household.
  return households.find((h) => h.compoundCode === body.compoundCode)?.id ?? null;
}

/** Per-account daily quota (residents and staff; an API key counts as staff). A retry of a filed case is never refused. */
async function checkQuota(ctx: ApiContext, actor: Actor, intakeKey: string | null): Promise<boolean> {
  const usage = await intakeUsage(ctx.pool, actor.userId, intakeKey);
  if (usage.retry) return true;
  const quota =
    actor.role === 'resident' ? ctx.config.INTAKE_QUOTA_RESIDENT_PER_DAY : ctx.config.INTAKE_QUOTA_STAFF_PER_DAY;
  if (usage.count < quota) return false;
  throw new ApiError(
    429,
    'intake.quota_exceeded',
    text(
      `24 小时内最多提交 ${quota} 件诉求，请稍后再试`,
      `At most ${quota} cases per 24 hours from one account; try again later`,
    ),
    [],
    { 'retry-after': String(usage.freesInSeconds) },
  );
}

export async function fileFromRequest(
  ctx: ApiContext,
  actor: Actor,
  body: IntakeBody,
  key: string | undefined,
): Promise<{ result: IntakeResult; response: IntakeResponse }> {
  // Scoped by submitter: two users who happen to pick the same key never get each other's case.
  const intakeKey = key ? `${actor.userId}:${key}` : null;
  // Every check comes before any photo is stored: a refused request writes nothing to disk. A retry of a case this
  // caller already filed skips them, so an accepted case is never lost to a quota reached since (fileCase replays).
  const retry = await checkQuota(ctx, actor, intakeKey);
  const who = retry
    ? { residentUserId: null, account: null, contact: { name: null, phone: null }, contactVerified: false }
    : actor.role === 'resident'
      ? await residentFiling(ctx, actor, body)
      : await staffFiling(ctx, actor, body);
  const householdId = householdFor(who, body);
  const request = {
    categoryCode: body.categoryCode,
    compoundCode: body.compoundCode,
    householdId,
    location: body.location,
    description: body.description,
    contactPreference: body.contactPreference ?? null,
    storePhotos: () => storeWithoutMetadata(ctx.storage, body.photos ?? []),
    contact: who.contact,
    contactVerified: who.contactVerified,
    residentUserId: who.residentUserId,
    filedBy: actor.userId,
    intakeKey,
  };
  let result: IntakeResult;
  try {
    result = await fileCase(
      { pool: ctx.pool, temporal: ctx.temporal, taskQueue: ctx.taskQueue, reference: ctx.reference },
      request,
    );
  } catch (err) {
    if (!(err instanceof DomainError) && intakeKey && (await findCaseByIntakeKey(ctx.pool, intakeKey))) {
      throw new ApiError(
        503,
        'case.unavailable',
        text(
          '工单已保存，正在启动，请用同一 Idempotency-Key 重试',
          'The case is saved but not started yet; retry with the same Idempotency-Key',
        ),
        [],
        {
          'retry-after': String(RETRY_AFTER_SECONDS),
        },
      );
    }
    throw err;
  }
  if (!result.created) await assertSameRequest(ctx, result.caseId, body);
  return { result, response: await intakeResponse(ctx, result) };
}

/** A key reused for a different complaint is a client bug; answering with the first case would hide it. */
async function assertSameRequest(ctx: ApiContext, caseId: string, body: IntakeBody): Promise<void> {
  const row = await getCaseView(ctx.pool, { id: caseId });
  if (
    row &&
    row.categoryCode === body.categoryCode &&
    row.compoundCode === body.compoundCode &&
    row.description === body.description
  )
    return;
  throw errors.conflict(
    'idempotency.key_reused',
    text('该 Idempotency-Key 已用于另一份诉求', 'This Idempotency-Key was already used for a different case'),
  );
}

async function intakeResponse(
  ctx: ApiContext,
  { caseId, trackingCode, intake, dueAt }: IntakeResult,
): Promise<IntakeResponse> {
  const orgs = await ctx.reference.organizations([intake.handlerOrgId, intake.chain.communityOrgId]);
  const ref = (id: string) => {
    const o = orgs.get(id);
    if (!o) throw new Error(`organisation ${id} vanished during intake`);
    return { id: o.id, kind: o.kind as IntakeResponse['handler']['kind'], nameZh: o.nameZh, nameEn: o.nameEn };
  };
  // As written with the case's first events (domain openCase), which the workflow derives from the same intake.
  const deadlines = (['response', 'resolution'] as const).map((kind) => ({
    kind,
    dueAt: new Date(dueAt[kind]).toISOString(),
  }));
  return {
    caseId,
    trackingCode,
    handler: ref(intake.handlerOrgId),
    supervisor: ref(intake.chain.communityOrgId),
    deadlines,
  };
}
