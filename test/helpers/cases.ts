// Shared steps of loop tests: file a demo case, act as a demo user, wait for the projection.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import type { Actor, CaseAction } from '../../domain/actions';
import { DEMO, DEMO_USERS } from '../../db/seed-data';
import { fileCase, type IntakeRequest } from '../../services/intake';
import { performAction } from '../../services/case-actions';
import { listCaseEvents } from '../../db/queries/cases';
import type { TestTemporal } from './stack';

export const actors = {
  resident1: { userId: DEMO_USERS.resident1, role: 'resident', organizationId: null },
  resident2: { userId: DEMO_USERS.resident2, role: 'resident', organizationId: null },
  handler1: { userId: DEMO_USERS.handler1, role: 'handler', organizationId: DEMO.propertyCompanyOrgId },
  handler2: { userId: DEMO_USERS.handler2, role: 'handler', organizationId: DEMO.siblingPropertyCompanyOrgId },
  owners1: { userId: DEMO_USERS.owners1, role: 'handler', organizationId: DEMO.ownersCommitteeOrgId },
  community1: { userId: DEMO_USERS.community1, role: 'supervisor', organizationId: DEMO.communityOrgId },
  community2: { userId: DEMO_USERS.community2, role: 'supervisor', organizationId: DEMO.siblingCommunityOrgId },
  member1: {
    userId: DEMO_USERS.member1,
    role: 'party_member',
    organizationId: DEMO.gridBranchOrgId,
    personId: DEMO.partyMemberPersonId,
  },
  street1: { userId: DEMO_USERS.street1, role: 'supervisor', organizationId: DEMO.streetOrgId },
  orgdept1: { userId: DEMO_USERS.orgdept1, role: 'supervisor', organizationId: DEMO.organizationDepartmentId },
  department1: { userId: DEMO_USERS.department1, role: 'handler', organizationId: DEMO.departments.urban },
  housing: { userId: 'u-housing-test', role: 'handler', organizationId: DEMO.departments.housing },
} satisfies Record<string, Actor>;

export function demoIntake(over: Partial<IntakeRequest> = {}): IntakeRequest {
  return {
    categoryCode: 'lift',
    compoundCode: DEMO.compound,
    householdId: DEMO.resident1HouseholdId,
    location: { building: '1', unit: '1', room: '101' },
    description: '1号楼电梯停在三楼不动，老人上下楼困难',
    contact: { name: '张三', phone: '13800000001' },
    residentUserId: DEMO_USERS.resident1,
    ...over,
  };
}

/** What a client does with a 503 (no worker answering yet): the same request, same id, again, up to `retries` times. */
export async function actUntilAnswered(
  temporal: Client,
  caseId: string,
  actor: Actor,
  action: CaseAction,
  requestId: string,
  retries = 5,
) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await performAction({ temporal }, caseId, actor, action, requestId);
    } catch (err) {
      if ((err as { kind?: string }).kind !== 'unavailable' || attempt >= retries) throw err;
    }
  }
}

export function loop(t: TestTemporal, pool: Pool) {
  const deps = { pool, temporal: t.client, taskQueue: t.taskQueue };
  const act = (caseId: string, actor: Actor, action: CaseAction, requestId: string = randomUUID()) =>
    performAction({ temporal: t.client }, caseId, actor, action, requestId);
  return {
    file: (over: Partial<IntakeRequest> = {}) => fileCase(deps, demoIntake(over)),
    act,
    actUntilAnswered: (caseId: string, actor: Actor, action: CaseAction, requestId: string, retries = 5) =>
      actUntilAnswered(t.client, caseId, actor, action, requestId, retries),
    events: (caseId: string) => listCaseEvents(pool, caseId),
    row: async (caseId: string) => (await pool.query('SELECT * FROM cases WHERE id = $1', [caseId])).rows[0],
  };
}

/** Polls until check() returns a value (not undefined/false) or the timeout passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Seqs run 1..n with no gap and no duplicate. */
export function assertGapFree(events: { seq: number }[]): void {
  const seqs = events.map((e) => e.seq);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
}
