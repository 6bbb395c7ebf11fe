import type { FlowEvent } from '../dsl/language/event.ts';
import type { GuardrailsIR } from '../dsl/language/guardrails.ts';
import type { FlowIR } from '../dsl/language/ir.ts';

/** How the interpreter reaches one destination: its queue, timeout and retry policy. */
export interface DestinationRoute {
  taskQueue: string;
  timeoutMs: number;
  retry: { attempts: number; backoffMs: number };
}

/**
 * The workflow's input. The compiled flow travels with the run, so editing the YAML never
 * changes a running run; new entries get the new version.
 */
export interface FlowRunInput {
  flow: FlowIR;
  userId: string;
  /** The event that started the run: `event` in conditions and templates. */
  event: FlowEvent;
  /** Every destination the flow names, by name. */
  destinations: Record<string, DestinationRoute>;
  /** wait_until's zone when the step names none and the profile has none. */
  timezone: string;
  /**
   * The run records step events (set by every start since the interpreter records them). Older
   * runs' inputs lack it, so their histories replay with no new command; a flag in the input
   * where `patched()` would cost a marker and a search-attribute upsert in every run's history.
   */
  stepEvents?: true;
  /**
   * `FlowStep` is set only where the run waits (the steps a run stays at, which is what
   * operators and the studio filter on), not on every step, and not again when the run closes
   * (its status says that): fewer history events. A flag for the same reason as `stepEvents`.
   */
  searchWaitsOnly?: true;
  /**
   * A destination step that goes on to a wait, or ends the run, has its activity record that
   * wait's `entered` (or the run's `completed`) with its own `sent`, so the run needs no local
   * activity (a marker in its history) to record them. A flag for the same reason as `stepEvents`.
   */
  recordAhead?: true;
  /**
   * A `wait` or `wait_until` is a timer raced with the run's exit, not condition(fn, timeout): no
   * cancellation scope, fewer promises, and no cancel command when an exit cuts it short (the run
   * ends). A flag for the same reason as `stepEvents`: it changes the commands of such a run.
   */
  lightWaits?: true;
  /**
   * An event that arrives before the run reaches a `wait_for` (its first task not run yet, the step
   * before still finishing) but happened after that step ended is kept for it, not dropped: under
   * a fault the run may reach the step seconds after it was due. A flag for the same reason as
   * `stepEvents`: a kept event changes the commands of such a run.
   */
  earlyEvents?: true;
  /**
   * When the run entered (epoch ms, the starter's clock): the time of its `entered` step event.
   * The starter of a flow with goals records that event itself, so a conversion right after the
   * start finds the run; both records are then the same event, counted once.
   */
  enteredAt?: number;
  /**
   * Experiments decided before this run started: split id → winning branch label. A run that
   * would have drawn any other non-control branch takes the winner; the control keeps its share.
   */
  winners?: Record<string, string>;
  /**
   * The config's frequency caps, quiet hours and suppression, only when it has any: a run without
   * them runs no guard (no activity, timer or marker), so older histories replay unchanged.
   */
  guardrails?: GuardrailsIR;
}

export interface FlowRunResult {
  outcome: 'completed' | 'exited';
  /** Ids of the steps taken, in order. */
  path: string[];
  exitReason?: string;
  vars: Record<string, unknown>;
}

export const workflowId = (flow: string, user: string, eventId?: string): string =>
  eventId === undefined ? `flow/${flow}/${user}` : `flow/${flow}/${user}/${eventId}`;
