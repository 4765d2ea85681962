// Search attributes the case workflow keeps current so the Temporal UI can filter cases
// (e.g. `RsStage = "follow_up" AND RsOverdue = true`). The dev server registers them at start.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { CaseState } from '../domain/case-state';
import { stageOf } from '../domain/case-state';

export const rsStatus = defineSearchAttributeKey('RsStatus', SearchAttributeType.KEYWORD);
export const rsStage = defineSearchAttributeKey('RsStage', SearchAttributeType.KEYWORD);
export const rsLevel = defineSearchAttributeKey('RsLevel', SearchAttributeType.KEYWORD);
export const rsCommunity = defineSearchAttributeKey('RsCommunity', SearchAttributeType.KEYWORD);
export const rsHandler = defineSearchAttributeKey('RsHandler', SearchAttributeType.KEYWORD);
export const rsOverdue = defineSearchAttributeKey('RsOverdue', SearchAttributeType.BOOL);

export const SEARCH_ATTRIBUTES = [rsStatus, rsStage, rsLevel, rsCommunity, rsHandler, rsOverdue];

/** The case's search attributes as of `state`: intake starts the workflow with them, the workflow upserts changes. */
export function caseSearchAttributes(state: CaseState): SearchAttributePair[] {
  return [
    { key: rsStatus, value: state.status },
    { key: rsStage, value: stageOf(state) },
    { key: rsLevel, value: state.level },
    { key: rsCommunity, value: state.chain.communityOrgId },
    { key: rsHandler, value: state.currentHandlerOrgId ?? '' },
    { key: rsOverdue, value: state.overdue },
  ];
}

/** What can change after intake (the community never does): equal keys need no upsert. */
export const searchAttributesKey = (state: CaseState): string =>
  [state.status, stageOf(state), state.level, state.currentHandlerOrgId, state.overdue].join('|');
