// Search attributes the case workflow keeps current so an operator can triage cases in the Temporal UI
// (e.g. `RsOverdue = true AND RsLevel = "street_committee"`). They change only when a case leaves the ordinary
// path (a return, re-route, escalation or breach), so the ordinary path costs no visibility write; where a case
// stands is Red Steward's own list (GET /api/v1/cases?status=…). The dev server registers them at start.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { CaseState } from '../domain/case-state';

export const rsLevel = defineSearchAttributeKey('RsLevel', SearchAttributeType.KEYWORD);
export const rsCommunity = defineSearchAttributeKey('RsCommunity', SearchAttributeType.KEYWORD);
export const rsHandler = defineSearchAttributeKey('RsHandler', SearchAttributeType.KEYWORD);
export const rsOverdue = defineSearchAttributeKey('RsOverdue', SearchAttributeType.BOOL);

export const SEARCH_ATTRIBUTES = [rsLevel, rsCommunity, rsHandler, rsOverdue];

/** The case's search attributes as of `state`: intake starts the workflow with them, the workflow upserts changes. */
export function caseSearchAttributes(state: CaseState): SearchAttributePair[] {
  return [
    { key: rsLevel, value: state.level },
    { key: rsCommunity, value: state.chain.communityOrgId },
    { key: rsHandler, value: state.currentHandlerOrgId ?? '' },
    { key: rsOverdue, value: state.overdue },
  ];
}

/** What can change after intake (the community never does): equal keys need no upsert. */
export const searchAttributesKey = (state: CaseState): string =>
  [state.level, state.currentHandlerOrgId, state.overdue].join('|');
