// The repeat-problem rule (重复问题, DOMAIN.md "Proactive governance"), run right after a case is filed: the same
// category in the same building N times within D days (the agreement's governance terms) raises one repeat problem,
// and the compound's community committee is told once, through the outbox, in the transaction that records it.
//
// Race: two cases of one building filed at once must not raise two. Detection takes a transaction-scoped advisory
// lock on compound + building + category before it reads, so the second waits, then sees the first's repeat
// problem and only extends it. Every step is idempotent (a case belongs to at most one repeat problem), so intake
// may run it again for a retried request.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { cstDate } from '../domain/calendar';
import { governanceTermsOf, repeatDecision, windowStart } from '../domain/hotspots';
import { enqueueNotifications } from '../db/queries/case-events';
import * as ref from '../db/queries/reference';
import type { CaseIntake } from '../domain/case-state';
import {
  extendRepeatProblem,
  filedCaseOf,
  type FiledCase,
  lockRepeatKey,
  raiseRepeatProblem,
  repeatState,
} from '../db/queries/repeat-problems';
import { withTransaction } from '../db/pool';

export type RepeatOutcome =
  | { kind: 'none' }
  | { kind: 'extended'; repeatProblemId: string }
  | { kind: 'raised'; repeatProblemId: string; caseCount: number };

export const REPEAT_PROBLEM_TEMPLATE = 'repeat_problem';

/** The case as intake just wrote it (it cannot be merged or closed yet); null without a building. */
export function justFiled(intake: CaseIntake, location: { building?: string }): FiledCase | null {
  // Spaces only, as btrim() reads cases.building (migration 0060): the two must name the same building.
  const building = location.building?.replace(/^ +| +$/g, '');
  if (!building) return null;
  return {
    caseId: intake.caseId,
    compoundCode: intake.compoundCode,
    building,
    categoryCode: intake.categoryCode,
    filedAt: new Date(intake.submittedAt),
    communityOrgId: intake.chain.communityOrgId,
    streetOrgId: intake.chain.streetOrgId,
    organizationDepartmentId: intake.chain.organizationDepartmentId,
  };
}

/** `known`: the case as intake wrote it, saving a read; otherwise read (a retried request, or null without a building). */
export async function detectRepeatProblem(
  pool: Pool,
  caseId: string,
  reads: ref.ReferenceReads = ref.readThrough(pool),
  known?: FiledCase | null,
): Promise<RepeatOutcome> {
  const filed = known === undefined ? await filedCaseOf(pool, caseId) : known;
  if (!filed) return { kind: 'none' };
  const agreement = await reads.activeAgreement(filed.compoundCode, cstDate(filed.filedAt.getTime()));
  const terms = governanceTermsOf(agreement?.governance);
  const since = new Date(windowStart(filed.filedAt.getTime(), terms));
  return withTransaction(pool, async (client) => {
    await lockRepeatKey(client, filed);
    const state = await repeatState(client, filed, since, terms.repeatCount);
    if (state.linkedTo) return { kind: 'extended', repeatProblemId: state.linkedTo };
    const decision = repeatDecision(
      { activeProblem: state.activeId !== null, casesInWindow: state.casesInWindow },
      terms,
    );
    if (decision === 'none') return { kind: 'none' };
    if (decision === 'extend' && state.activeId) {
      await extendRepeatProblem(client, state.activeId, filed);
      return { kind: 'extended', repeatProblemId: state.activeId };
    }
    const id = randomUUID();
    const raised = await raiseRepeatProblem(client, id, filed, since, {
      threshold: terms.repeatCount,
      windowDays: terms.repeatWindowDays,
    });
    await enqueueNotifications(client, [
      {
        dedupeKey: `repeat-problem:${id}`,
        channel: 'in_app',
        recipient: { organizationId: filed.communityOrgId },
        template: REPEAT_PROBLEM_TEMPLATE,
        // The notice's params: codes and names only, never a resident's.
        payload: {
          repeatProblemId: id,
          compoundCode: filed.compoundCode,
          compoundZh: raised.compoundNameZh,
          compoundEn: raised.compoundNameEn,
          building: filed.building,
          categoryCode: filed.categoryCode,
          categoryZh: raised.categoryNameZh,
          categoryEn: raised.categoryNameEn,
          count: raised.caseCount,
          windowDays: terms.repeatWindowDays,
        },
      },
    ]);
    return { kind: 'raised', repeatProblemId: id, caseCount: raised.caseCount };
  });
}
