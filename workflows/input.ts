import type { FlowEvent } from '../dsl/event.ts';
import type { FlowIR } from '../dsl/ir.ts';

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
   * Experiments decided before this run started: split id → winning branch label. A run that
   * would have drawn any other non-control branch takes the winner; the control keeps its share.
   */
  winners?: Record<string, string>;
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
