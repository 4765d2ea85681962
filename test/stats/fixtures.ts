// Cases written straight into the projection and its history, for measures whose inputs must be exact to the
// millisecond (the workflow is not the point there: test/stats/loop-rates.test.ts drives real workflows).
// Each spec states what happened in hours after dispatch; the row and events are what the case workflow's
// activities would have written for that history.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { COMPOUNDS, ORGANIZATIONS } from '../../db/seed-data';

export const HOUR = 3_600_000;

export interface CaseSpec {
  compound: string;
  /** The organisation first dispatched to; the compound's property company by default. */
  handler?: string;
  category?: string;
  dispatchedAt: number;
  /** Hours after dispatch; defaults 2 and 24. */
  responseDueH?: number;
  resolutionDueH?: number;
  /** Acknowledgement: which organisation, how many hours after dispatch. */
  ack?: { by?: string; h: number };
  /** Returned by the first handler and re-routed to this organisation (回退 → 改派). */
  reroutedTo?: string;
  /** When the return happened, hours after dispatch (default 0.1); the re-route follows 0.1 h later. */
  rerouteH?: number;
  resolvedH?: number;
  /** [approved at, new due], hours after dispatch. */
  extensions?: [number, number][];
  satisfaction?: 'satisfied' | 'basically_satisfied' | 'unsatisfied';
  solved?: boolean;
  reopen?: number;
  escalations?: number;
  outcome?: string;
  /** A supervisor's close ground (duplicate, invalid, resident_request, verified_unreasonable), on the 'closed' event. */
  ground?: string;
  closedH?: number;
  notDispatched?: boolean;
  description?: string;
  residentName?: string;
  residentPhone?: string;
  room?: string;
  building?: string;
}

const communityOf = (compound: string) => COMPOUNDS.find((c) => c.code === compound)?.communityOrgId as string;
const streetOf = (community: string) => ORGANIZATIONS.find((o) => o.id === community)?.parentId as string;

let counter = 0;

export async function insertCase(pool: Pool, s: CaseSpec): Promise<string> {
  const id = randomUUID();
  const first = s.handler ?? `pc-${s.compound}`;
  const community = communityOf(s.compound);
  const street = streetOf(community);
  const at = (h: number | undefined) => (h === undefined ? null : new Date(s.dispatchedAt + h * HOUR));
  const current = s.reroutedTo ?? first;
  const closed = s.closedH !== undefined;
  const status = closed
    ? 'closed'
    : s.resolvedH !== undefined
      ? 'resolved'
      : s.ack || s.reroutedTo
        ? 'acknowledged'
        : 'dispatched';
  const chain = { communityOrgId: community, streetOrgId: street, organizationDepartmentId: 'org-dept' };
  counter += 1;
  await pool.query(
    `INSERT INTO cases (id, tracking_code, workflow_id, category_code, compound_code, resident_name, resident_phone, location,
        description, status, stage, level, handler_org_id, supervisor_org_id, community_org_id, street_org_id,
        reopen_count, escalation_count, returned_count, outcome, satisfaction, solved, dispatched_at, acknowledged_at,
        resolved_at, closed_at, first_response_due_at, first_resolution_due_at, intake, workflow_started, created_at, handler_history)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'community_committee', $12, $13, $13, $14, $15, $16, $17, $18, $19,
        $20, $21, $22, $23, $24, $25, $26, $27, true, $28, $29)`,
    [
      id,
      `2603-T${String(counter).padStart(5, '0')}`,
      `case-${id}`,
      s.category ?? 'repairs',
      s.compound,
      s.residentName ?? null,
      s.residentPhone ?? null,
      JSON.stringify({ building: s.building ?? '1', unit: '1', room: s.room ?? '101' }),
      s.description ?? '测试用工单描述',
      status,
      closed ? 'closed' : status === 'resolved' ? 'evaluate' : 'respond',
      current,
      community,
      street,
      s.reopen ?? 0,
      s.escalations ?? 0,
      s.reroutedTo ? 1 : 0,
      s.outcome ?? null,
      s.satisfaction ?? null,
      s.solved ?? null,
      s.notDispatched ? null : new Date(s.dispatchedAt),
      s.ack ? at(s.ack.h) : null,
      at(s.resolvedH),
      at(s.closedH),
      s.notDispatched ? null : at(s.responseDueH ?? 2),
      s.notDispatched ? null : at(s.resolutionDueH ?? 24),
      JSON.stringify({ caseId: id, handlerOrgId: first, chain }),
      new Date(s.dispatchedAt - 1000),
      // Every handler it had: who sees the case (db/queries/case-list.ts scopeSql) reads this, not the history.
      s.notDispatched ? [] : s.reroutedTo ? [first, s.reroutedTo] : [first],
    ],
  );
  await insertEvents(pool, id, s, first);
  return id;
}

async function insertEvents(pool: Pool, id: string, s: CaseSpec, first: string): Promise<void> {
  if (s.notDispatched) return;
  const system = { userId: 'system', role: 'system', organizationId: null };
  const events: [string, Record<string, unknown>, number, Record<string, unknown>][] = [
    ['submitted', system, 0, { compoundCode: s.compound }],
    ['dispatched', system, 0, { handlerOrgId: first }],
  ];
  if (s.reroutedTo) {
    const h = s.rerouteH ?? 0.1;
    events.push([
      'returned',
      { role: 'handler', organizationId: first },
      h,
      { handlerOrgId: first, reason: '不属于本单位职责' },
    ]);
    events.push([
      'dispatched',
      { role: 'supervisor', organizationId: communityOf(s.compound) },
      h + 0.1,
      { handlerOrgId: s.reroutedTo },
    ]);
  }
  if (s.ack) events.push(['acknowledged', { role: 'handler', organizationId: s.ack.by ?? first }, s.ack.h, {}]);
  for (const [approvedH, dueH] of s.extensions ?? []) {
    events.push([
      'extension_decided',
      { role: 'supervisor', organizationId: communityOf(s.compound) },
      approvedH,
      {
        approve: true,
        deadline: 'resolution',
        newDueAt: s.dispatchedAt + dueH * HOUR,
      },
    ]);
  }
  if (s.closedH !== undefined) {
    const by =
      s.outcome === 'withdrawn'
        ? { role: 'resident', organizationId: null }
        : { role: 'supervisor', organizationId: communityOf(s.compound) };
    events.push(['closed', by, s.closedH, { outcome: s.outcome, ...(s.ground ? { ground: s.ground } : {}) }]);
  }
  events.sort((a, b) => a[2] - b[2]);
  for (const [i, [type, actor, h, payload]] of events.entries()) {
    await pool.query(
      'INSERT INTO case_events (case_id, seq, type, actor, at, payload) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, i + 1, type, JSON.stringify(actor), new Date(s.dispatchedAt + h * HOUR), JSON.stringify(payload)],
    );
  }
}

export const rateOf = (numerator: number, denominator: number, pending = 0) => ({
  numerator,
  denominator,
  pending,
  value: denominator === 0 ? null : numerator / denominator,
});
