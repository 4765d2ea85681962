// Search attributes the case workflow keeps current so the Temporal UI can filter cases
// (e.g. `RsStage = "follow_up" AND RsOverdue = true`). The dev server registers them at start.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const rsStatus = defineSearchAttributeKey('RsStatus', SearchAttributeType.KEYWORD);
export const rsStage = defineSearchAttributeKey('RsStage', SearchAttributeType.KEYWORD);
export const rsLevel = defineSearchAttributeKey('RsLevel', SearchAttributeType.KEYWORD);
export const rsCommunity = defineSearchAttributeKey('RsCommunity', SearchAttributeType.KEYWORD);
export const rsHandler = defineSearchAttributeKey('RsHandler', SearchAttributeType.KEYWORD);
export const rsOverdue = defineSearchAttributeKey('RsOverdue', SearchAttributeType.BOOL);

export const SEARCH_ATTRIBUTES = [rsStatus, rsStage, rsLevel, rsCommunity, rsHandler, rsOverdue];
