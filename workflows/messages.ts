import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { FlowEvent } from '../dsl/language/event.ts';

/**
 * Events for a running run: what `wait_for` and `exit_when` listen to. The second argument is
 * the user the event is for: a run ignores an event for another user. Signals sent before it
 * existed (recorded histories) have none and are taken as before.
 */
export const eventSignal = defineSignal<[FlowEvent, string?]>('event');

/**
 * The run's flow was stopped (`status: stopped`): the run leaves at its next step, a wait cut
 * short, with this reason. Sent by each process that reloads flows (ingest/flow-stops.ts); a run
 * takes the first and ignores the rest, so sending it twice or from two processes is harmless.
 */
export const stopSignal = defineSignal<[string]>('stop');

export interface Waiting {
  /** A step's wait, or a send held by quiet hours or a frequency cap (workflows/steps/guards.ts). */
  kind: 'wait' | 'wait_until' | 'wait_for' | 'quiet_hours' | 'frequency_cap';
  /** ISO time the wait ends (for wait_for: when it times out). */
  until: string;
  /** For wait_for: the event awaited. */
  event?: string;
}

/** A send a guardrail held back: skipped (capped, suppressed, skipped_quiet) or delayed until `until`. */
export interface HeldSend {
  step: string;
  outcome: 'capped' | 'suppressed' | 'skipped_quiet' | 'delayed';
  /** ISO time it was held. */
  at: string;
  until?: string;
  /** For people: which guardrail, e.g. "cap email 1 per 1d". */
  reason: string;
}

export interface RunStateView {
  flow: string;
  version: string;
  user: string;
  step: string | null;
  /** The step's name for people (its id, else kind, summary and line). */
  stepLabel: string | null;
  path: string[];
  vars: Record<string, unknown>;
  waiting: Waiting | null;
  exitRequested: string | null;
  /** Sends held back by frequency caps, quiet hours or suppression, oldest first (absent when none). */
  held?: HeldSend[];
}

/** Where a run is: its step, vars, and what it waits for. */
export const stateQuery = defineQuery<RunStateView>('state');
