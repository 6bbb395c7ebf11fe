import type { FlowEvent } from '../dsl/event.ts';
import type { StepOf } from '../dsl/ir.ts';

/** Steps that call a destination: each is one activity. */
export type EffectStep = StepOf<'set_var' | 'send_email' | 'send_push' | 'send_sms' | 'add_to_list' | 'remove_from_list' | 'send_event' | 'webhook'>;

export interface EffectInput {
  workflowId: string;
  runId: string;
  flowId: string;
  userId: string;
  step: EffectStep;
  /** The event templates see as `event`: the trigger, or inside a wait_for's `then`, the awaited one. */
  event: FlowEvent;
  vars: Record<string, unknown>;
}

export interface EffectOutput {
  /** For set_var: the values now held, which the run reads as `vars.X`. */
  vars?: Record<string, unknown>;
  /** The destination's id for what it did. */
  id?: string;
}

export interface Activities {
  setVars(input: EffectInput): Promise<EffectOutput>;
  sendEmail(input: EffectInput): Promise<EffectOutput>;
  sendPush(input: EffectInput): Promise<EffectOutput>;
  sendSms(input: EffectInput): Promise<EffectOutput>;
  addToList(input: EffectInput): Promise<EffectOutput>;
  removeFromList(input: EffectInput): Promise<EffectOutput>;
  sendEvent(input: EffectInput): Promise<EffectOutput>;
  callWebhook(input: EffectInput): Promise<EffectOutput>;
  readProfile(userId: string): Promise<import('../profiles/store.ts').Profile>;
}

/** Which activity performs each effect step. */
export const ACTIVITY_FOR = {
  set_var: 'setVars',
  send_email: 'sendEmail',
  send_push: 'sendPush',
  send_sms: 'sendSms',
  add_to_list: 'addToList',
  remove_from_list: 'removeFromList',
  send_event: 'sendEvent',
  webhook: 'callWebhook',
} as const satisfies Record<EffectStep['kind'], keyof Activities>;

/** A webhook step without `destination` runs through this built-in one. */
export const DEFAULT_WEBHOOK_DESTINATION = 'webhook-default';
