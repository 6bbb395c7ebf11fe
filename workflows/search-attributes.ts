import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes every run carries, so operators can find runs in Temporal Web. */
export const FLOW_ID = defineSearchAttributeKey('FlowId', SearchAttributeType.KEYWORD);
export const FLOW_VERSION = defineSearchAttributeKey('FlowVersion', SearchAttributeType.KEYWORD);
export const USER_ID = defineSearchAttributeKey('UserId', SearchAttributeType.KEYWORD);
export const FLOW_STEP = defineSearchAttributeKey('FlowStep', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [FLOW_ID, FLOW_VERSION, USER_ID, FLOW_STEP] as const;
