import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { FlowEvent } from '../dsl/event.ts';

/**
 * Events for a running run: what `wait_for` and `exit_when` listen to. The second argument is
 * the user the event is for: a run ignores an event for another user. Signals sent before it
 * existed (recorded histories) have none and are taken as before.
 */
export const eventSignal = defineSignal<[FlowEvent, string?]>('event');

export interface Waiting {
  kind: 'wait' | 'wait_until' | 'wait_for';
  /** ISO time the wait ends (for wait_for: when it times out). */
  until: string;
  /** For wait_for: the event awaited. */
  event?: string;
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
}

/** Where a run is: its step, vars, and what it waits for. */
export const stateQuery = defineQuery<RunStateView>('state');
