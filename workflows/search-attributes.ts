// Search attributes the case workflow keeps current so the Temporal UI can filter cases
// (e.g. `RsOverdue = true AND RsLevel = "street_committee"`). The dev server registers them at start.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { CaseState } from '../domain/case-state';
import { stageOf } from '../domain/case-state';

export const rsStatus = defineSearchAttributeKey('RsStatus', SearchAttributeType.KEYWORD);
export const rsStage = defineSearchAttributeKey('RsStage', SearchAttributeType.KEYWORD);
export const rsLevel = defineSearchAttributeKey('RsLevel', SearchAttributeType.KEYWORD);
export const rsCommunity = defineSearchAttributeKey('RsCommunity', SearchAttributeType.KEYWORD);
export const rsHandler = defineSearchAttributeKey('RsHandler', SearchAttributeType.KEYWORD);
export const rsOverdue = defineSearchAttributeKey('RsOverdue', SearchAttributeType.BOOL);

/** Registered on every server: cases started before revision 2 still carry and upsert RsStatus and RsStage. */
export const SEARCH_ATTRIBUTES = [rsStatus, rsStage, rsLevel, rsCommunity, rsHandler, rsOverdue];

/**
 * From revision 2 a case keeps only the attributes an operator triages with in the Temporal UI — who handles it, how
 * far it has been escalated, whether it is overdue, its community — which change only when a case leaves the
 * ordinary path (a return, a re-route or forward, an escalation, a breach). RsStatus and RsStage changed with nearly
 * every action, and each change was an upsert: a visibility write on the Temporal server per Update (3–5 ms of CPU
 * per case across the processes in `npm run bench -- --only loop`). Where a case stands is Red Steward's own list
 * (GET /api/v1/cases?status=…, from Postgres); the Temporal UI still tells running from completed workflows.
 */
export const TRIAGE_ONLY_FROM_REVISION = 2;

/** The case's search attributes as of `state`: intake starts the workflow with them, the workflow upserts changes. */
export function caseSearchAttributes(state: CaseState, revision: number): SearchAttributePair[] {
  const triage: SearchAttributePair[] = [
    { key: rsLevel, value: state.level },
    { key: rsCommunity, value: state.chain.communityOrgId },
    { key: rsHandler, value: state.currentHandlerOrgId ?? '' },
    { key: rsOverdue, value: state.overdue },
  ];
  if (revision >= TRIAGE_ONLY_FROM_REVISION) return triage;
  return [{ key: rsStatus, value: state.status }, { key: rsStage, value: stageOf(state) }, ...triage];
}

/** What can change after intake (the community never does): equal keys need no upsert. */
export function searchAttributesKey(state: CaseState, revision: number): string {
  const triage = [state.level, state.currentHandlerOrgId, state.overdue];
  return (revision >= TRIAGE_ONLY_FROM_REVISION ? triage : [state.status, stageOf(state), ...triage]).join('|');
}
