// Intake (民意收集): validate against reference data, route, write the case row, start its workflow.
//
// Why a case accepted with 2xx is never lost: the row — with the exact workflow input in `cases.intake` and the
// case's first events (submitted, dispatched) in its timeline — is committed in one statement before the
// workflow start is attempted, and the 2xx is sent only after both. If the process dies between the two, the row
// stays `workflow_started = false`, and the reconciler (services/reconciler.ts, run by every worker) starts the
// same workflow, whose id derives from the case id, so it can never start twice.
//
// Writing the first events here rather than from the workflow's first task saves a whole activity round trip per
// case: the workflow derives the same events from the same intake (domain openCase) and treats them as written.
import { randomInt, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { cstDate, addCalendarDays } from '../domain/calendar';
import type { CaseIntake, CaseState } from '../domain/case-state';
import { buildIntake } from '../domain/routing';
import { openCase } from '../domain/case-machine';
import { projectCase } from '../domain/case-view';
import { isUniqueViolation } from '../db/errors';
import { notificationsFor } from '../activities/notifications';
import * as ref from '../db/queries/reference';
import { calendarDataFrom } from '../db/queries/calendar';
import { insertCase, findCaseByIntakeKey, markWorkflowsStarted, type CaseRowInput } from '../db/queries/cases';
import { caseWorkflow } from '../workflows/case-workflow';
import { workflowIdFor } from '../workflows/messages';
import { caseSearchAttributes } from '../workflows/search-attributes';
import { DomainError } from './errors';
import { detectRepeatProblem, justFiled } from './repeat-problems';
import { confirmStartedSoon } from './started-marks';

export interface IntakeDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  /** Reference reads through a cache (the API's, which Postgres invalidates); without one, straight from the pool. */
  reference?: ref.ReferenceReads;
}

export interface IntakeRequest {
  categoryCode: string;
  compoundCode: string;
  householdId?: string | null;
  location: { building?: string; unit?: string; room?: string; address?: string };
  description: string;
  contactPreference?: string | null;
  photos?: string[];
  /**
   * Stores the photos and returns their ids; called only once the request passed every reference check, so a refused
   * intake writes no file (an accepted one whose INSERT then fails leaves its files to services/photo-orphans.ts).
   */
  storePhotos?: () => Promise<string[]>;
  contact: { name?: string | null; phone?: string | null };
  /** false when the contact phone is not proven to be the complainant's (typed by staff, or for someone else). */
  contactVerified?: boolean;
  residentUserId: string | null;
  /** The account that filed the case, counted by the intake quota; null for system filings. */
  filedBy?: string | null;
  /** Idempotency-Key scoped by the submitter; a retry with the same key returns the same case. */
  intakeKey?: string | null;
}

export interface IntakeResult {
  caseId: string;
  trackingCode: string;
  created: boolean;
  intake: CaseIntake;
  /** Response and resolution deadlines (epoch ms) as of dispatch: what the workflow derives from the same intake. */
  dueAt: { response: number; resolution: number };
}

// Crockford base32 without I, L, O, U: easy to read out over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function newTrackingCode(now: number): string {
  const d = cstDate(now).replace(/-/g, '').slice(2, 6);
  let tail = '';
  for (let i = 0; i < 6; i++) tail += ALPHABET[randomInt(ALPHABET.length)];
  return `${d}-${tail}`;
}

/**
 * Starts the case's workflow (a second start is refused by Temporal and counts as done); the row already holds
 * the intake events. `confirm`: `now` writes workflow_started before returning (the reconciler); `soon` batches it (intake's own
 * path; services/started-marks.ts says why that is safe).
 */
export async function startCaseWorkflow(
  deps: IntakeDeps,
  intake: CaseIntake,
  confirm: 'now' | 'soon',
  opened = openCase(intake).state,
): Promise<void> {
  try {
    await deps.temporal.workflow.start(caseWorkflow, {
      workflowId: workflowIdFor(intake.caseId),
      taskQueue: deps.taskQueue,
      args: [{ intake }],
      // Started with its search attributes: one visibility write fewer than upserting them in the first task.
      typedSearchAttributes: caseSearchAttributes(opened),
      // A closed case is never started again, whoever retries.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  if (confirm === 'now') await markWorkflowsStarted(deps.pool, [intake.caseId]);
  else confirmStartedSoon(deps.pool, intake.caseId);
}

async function resolveIntake(
  deps: IntakeDeps,
  req: IntakeRequest,
  caseId: string,
  trackingCode: string,
  now: number,
): Promise<CaseIntake> {
  const reads = deps.reference ?? ref.readThrough(deps.pool);
  const [category, compound, household] = await Promise.all([
    reads.category(req.categoryCode),
    reads.compound(req.compoundCode),
    req.householdId ? reads.household(req.householdId) : null,
  ]);
  if (!category || !category.active)
    throw new DomainError('validation', 'categoryCode', '未知的诉求类别 (unknown category)');
  if (!compound) throw new DomainError('validation', 'compoundCode', '未知的小区 (unknown compound)');
  if (req.householdId && (!household || household.compoundCode !== compound.code)) {
    throw new DomainError('validation', 'householdId', '住户不属于该小区 (the household is not in this compound)');
  }
  const today = cstDate(now);
  const [chain, agreement, calendar] = await Promise.all([
    reads.supervisionChain(compound.communityOrgId),
    reads.activeAgreement(compound.code, today),
    calendarDataFrom(reads, addCalendarDays(today, -1), addCalendarDays(today, 400)),
  ]);
  if (!chain?.streetOrgId || !chain.organizationDepartmentId)
    throw new Error(`incomplete supervision chain for ${compound.communityOrgId}`);
  const intake = buildIntake(
    {
      caseId,
      trackingCode,
      categoryCode: category.code,
      compoundCode: compound.code,
      residentUserId: req.residentUserId,
      householdId: household?.id ?? null,
      submittedAt: now,
      linkedPartyMemberId: household?.linkedPartyMember?.personId ?? null,
    },
    {
      category,
      compound,
      chain: {
        communityOrgId: chain.communityOrgId,
        streetOrgId: chain.streetOrgId,
        organizationDepartmentId: chain.organizationDepartmentId,
      },
      agreement,
      regulatorDepartmentId: 'dept-housing',
    },
    calendar,
  );
  if ('error' in intake) throw new DomainError('validation', 'categoryCode', intake.error);
  return intake;
}

export async function fileCase(deps: IntakeDeps, req: IntakeRequest, now = Date.now()): Promise<IntakeResult> {
  // No lookup of the Idempotency-Key first: the INSERT itself finds a retry (ON CONFLICT on intake_key), so a new
  // case — nearly every request — costs one round trip fewer.
  const existingCase = async () => (req.intakeKey ? findCaseByIntakeKey(deps.pool, req.intakeKey) : null);
  let photos = req.photos;
  for (let attempt = 0; ; attempt++) {
    const caseId = randomUUID();
    let intake: CaseIntake;
    try {
      intake = await resolveIntake(deps, req, caseId, newTrackingCode(now), now);
    } catch (err) {
      // A retry whose reference data changed since it was accepted (a category retired since) still gets its case.
      const existing = await existingCase();
      if (existing) return replay(deps, existing);
      throw err;
    }
    if (req.storePhotos && photos === undefined) photos = await req.storePhotos();
    const row: CaseRowInput = { intake, req: { ...req, photos } };
    const { state, events } = openCase(intake);
    const projection = projectCase(state);
    try {
      const inserted = await insertCase(deps.pool, row, {
        events,
        projection,
        notifications: notificationsFor(caseId, events, projection),
      });
      if (!inserted) {
        // A retry, or a concurrent request, with the same Idempotency-Key: answer with its case.
        const existing = await existingCase();
        if (existing) return replay(deps, existing);
        throw new Error('intake conflict without an existing case');
      }
    } catch (err) {
      if (isUniqueViolation(err) && attempt < 3) continue; // a tracking-code collision: draw another
      throw err;
    }
    await startCaseWorkflow(deps, intake, 'soon', state);
    await detectRepeatProblem(deps.pool, caseId, deps.reference, justFiled(intake, req.location));
    return { caseId, trackingCode: intake.trackingCode, created: true, intake, dueAt: dueAtOf(state) };
  }
}

function dueAtOf(state: CaseState): IntakeResult['dueAt'] {
  const { response, resolution } = state.deadlines;
  if (!response || !resolution) throw new Error(`case ${state.caseId} was dispatched without its deadlines`);
  return { response: response.dueAt, resolution: resolution.dueAt };
}

async function replay(
  deps: IntakeDeps,
  existing: { intake: CaseIntake; workflowStarted: boolean; recorded: boolean },
): Promise<IntakeResult> {
  const opened = openCase(existing.intake).state;
  if (!existing.workflowStarted) await startCaseWorkflow(deps, existing.intake, 'soon', opened);
  // A request that failed after its case was written is retried with the same key: the rule is idempotent.
  await detectRepeatProblem(deps.pool, existing.intake.caseId, deps.reference);
  return {
    caseId: existing.intake.caseId,
    trackingCode: existing.intake.trackingCode,
    created: false,
    intake: existing.intake,
    dueAt: dueAtOf(opened),
  };
}
