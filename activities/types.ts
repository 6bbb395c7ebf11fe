import type { FlowEvent } from '../dsl/language/event.ts';
import type { StepOf } from '../dsl/language/ir.ts';
import { ACTIVITY_FOR, type DestinationStep, type EffectActivity } from '../dsl/language/step-kinds.ts';
import type { ClaimAnswer, SendCap, SendClaim } from '../store/send-claims.ts';
import type { StepEvent } from '../store/step-log.ts';
import type { Profile } from '../store/store.ts';

/** Steps that call a destination: each is one activity (dsl/language/step-kinds.ts names it). */
export type EffectStep = StepOf<DestinationStep>;

export interface EffectInput {
  workflowId: string;
  runId: string;
  flowId: string;
  userId: string;
  step: EffectStep;
  /** The event templates see as `event`: the trigger, or inside a wait_for's `then`, the awaited one. */
  event: FlowEvent;
  vars: Record<string, unknown>;
  /** Absent for runs started before step events were recorded. */
  stepEvents?: StepEventsIn;
}

/** What an effect activity records in the step log. */
interface StepEventsIn {
  version: string;
  /** The time the run reached the step: every event of this step has it, so each retry writes the same event. */
  at: number;
  /** The step's maximum attempts: the last one's failure is recorded as `failed`. */
  attempts: number;
  /** The run's events since its last record: recorded first. */
  pending: StepEvent[];
  /**
   * What the run makes as soon as this step succeeds (a wait's `entered`, the run's `completed`):
   * recorded only with the step's success, at the time it succeeds (workflows/run.ts `ahead`).
   */
  after?: StepEvent[];
}

interface ClaimSendInput {
  userId: string;
  claim: SendClaim;
  caps: SendCap[];
}

export interface EffectOutput {
  /** For set_var: the values now held, which the run reads as `vars.X`. */
  vars?: Record<string, unknown>;
  /** The destination's id for what it did. */
  id?: string; /** Step events the log could not take (it was unreachable): the run keeps them and records them later. */
  unrecorded?: StepEvent[];
}

/** One activity per destination step kind, named in the step-kind table, and the run's helpers. */
export type Activities = { [A in EffectActivity]: (input: EffectInput) => Promise<EffectOutput> } & {
  readProfile(userId: string): Promise<Profile>;
  /** Counts a send against the user's frequency caps on its channel, if they allow it (workflows/steps/guards.ts). */
  claimSend(input: ClaimSendInput): Promise<ClaimAnswer>;
  /** Records step events; returns those the log could not take. A local activity. */
  recordSteps(events: StepEvent[]): Promise<StepEvent[]>;
};

export { ACTIVITY_FOR };
