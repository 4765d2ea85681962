// How a case state is presented outside the workflow: the row of the `cases` projection and the summary
// an action returns. Pure, so the workflow can compute it and the activity only writes it.
import type { CaseEvent } from './actions';
import type { CaseState } from './case-state';
import { stageOf } from './case-state';
import type { Stage } from './types';

export interface CaseProjection {
  caseId: string;
  status: CaseState['status'];
  stage: Stage;
  level: CaseState['level'];
  handlerOrgId: string | null;
  supervisorOrgId: string;
  streetOrgId: string;
  followUpOwner: CaseState['followUpOwner'];
  deadlines: Record<
    string,
    { dueAt: string; startedAt: string; breachedAt: string | null; extended: number; duration: unknown }
  >;
  pendingExtension: CaseState['pendingExtension'];
  pendingRequest: CaseState['pendingRequest'];
  pausedSince: number | null;
  pausedMs: number;
  handlerHistory: string[];
  coComplainants: string[];
  mergedInto: string | null;
  awaitingVerification: boolean;
  topRungMisses: number;
  publiclyNoticed: boolean;
  overdue: boolean;
  reopenCount: number;
  escalationCount: number;
  returnedCount: number;
  outcome: CaseState['outcome'];
  satisfaction: CaseState['satisfaction'];
  solved: boolean | null;
  dispatchedAt: number | null;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  firstResponseDueAt: number | null;
  firstResolutionDueAt: number | null;
  lastSeq: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function projectCase(s: CaseState): CaseProjection {
  const deadlines: CaseProjection['deadlines'] = {};
  for (const d of Object.values(s.deadlines)) {
    if (d)
      deadlines[d.kind] = {
        dueAt: iso(d.dueAt),
        startedAt: iso(d.startedAt),
        breachedAt: d.breachedAt === null ? null : iso(d.breachedAt),
        extended: d.extended,
        duration: d.duration,
      };
  }
  return {
    caseId: s.caseId,
    status: s.status,
    stage: stageOf(s),
    level: s.level,
    handlerOrgId: s.currentHandlerOrgId,
    supervisorOrgId: s.supervisorOrgId,
    streetOrgId: s.chain.streetOrgId,
    followUpOwner: s.followUpOwner,
    deadlines,
    pendingExtension: s.pendingExtension,
    pendingRequest: s.pendingRequest,
    pausedSince: s.pausedSince,
    pausedMs: s.pausedMs,
    handlerHistory: s.handlerHistory,
    coComplainants: s.coComplainants,
    mergedInto: s.mergedInto?.caseId ?? null,
    awaitingVerification: s.awaitingVerification,
    topRungMisses: s.topRungMisses,
    publiclyNoticed: s.publiclyNoticed,
    overdue: s.overdue,
    reopenCount: s.reopenCount,
    escalationCount: s.escalationCount,
    returnedCount: s.returnedCount,
    outcome: s.outcome,
    satisfaction: s.satisfaction,
    solved: s.solved,
    dispatchedAt: s.dispatchedAt,
    acknowledgedAt: s.acknowledgedAt,
    resolvedAt: s.resolvedAt,
    closedAt: s.closedAt,
    firstResponseDueAt: s.firstResponseDueAt,
    firstResolutionDueAt: s.firstResolutionDueAt,
    lastSeq: s.seq,
  };
}

export interface ActionResult {
  caseId: string;
  status: CaseState['status'];
  stage: Stage;
  level: CaseState['level'];
  seq: number;
  events: { seq: number; type: CaseEvent['type'] }[];
}
