import { FLOW_STEP } from '../store/step-log.ts';
import type { FlowRunResult } from './input.ts';

/**
 * How a run ended (or that it has not), in the words `flows status` and the studio show. A run
 * that left on exit_when, a goal with `exit: true`, a stop or an exit step is a COMPLETED workflow
 * to Temporal; to a person it exited, and why matters. Pure: no I/O, safe in workflow code.
 */
export type RunWord =
  'running' | 'paused' | 'completed' | 'exited' | 'failed' | 'terminated' | 'timed out' | 'canceled' | 'continued' | 'unknown';

export interface RunVerdict {
  word: RunWord;
  /** Why it exited, failed or was ended, for people (absent when there is nothing to say). */
  reason?: string;
}

/** Temporal's execution status names (WorkflowExecutionStatusName) for the runs Flowline starts. */
const WORDS: Record<string, RunWord> = {
  RUNNING: 'running',
  PAUSED: 'paused',
  COMPLETED: 'completed',
  FAILED: 'failed',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed out',
  CANCELLED: 'canceled',
  CONTINUED_AS_NEW: 'continued',
};

/**
 * The verdict from what Temporal says: its status, the run's result when it completed (which says
 * whether it exited), and the failure's message when it failed, was terminated or timed out.
 */
export function verdictOf(
  temporalStatus: string,
  result?: Pick<FlowRunResult, 'outcome' | 'exitReason'> | null,
  failureMessage?: string,
): RunVerdict {
  const word = WORDS[temporalStatus] ?? 'unknown';
  if (word === 'completed' && result?.outcome === 'exited') return withReason('exited', exitWords(result.exitReason));
  if (word === 'completed' || word === 'running' || word === 'paused' || word === 'continued') return { word };
  return withReason(word, failureMessage);
}

/**
 * The verdict from the step-event log, for runs Temporal no longer has (past retention): the
 * run's last flow-level event that closes it. Null when the log has none (still running, or its
 * events were not recorded).
 */
export function verdictFromEvents(events: ReadonlyArray<{ step: string; outcome: string; message?: string }>): RunVerdict | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.step !== FLOW_STEP) continue;
    if (e.outcome === 'completed') return { word: 'completed' };
    if (e.outcome === 'exited') return withReason('exited', exitWords(e.message));
    if (e.outcome === 'failed') return withReason('failed', e.message);
  }
  return null;
}

/** `exited: exit_when purchase`, `failed: step welcome-email failed: …`, `completed`. */
export const verdictText = (v: RunVerdict): string => (v.reason ? `${v.word}: ${v.reason}` : v.word);

/**
 * The interpreter's exit reasons (workflows/flow-run.ts, workflows/steps/) as a person says them:
 * `exit_when: purchase` → `exit_when purchase`, `goal reached: bought` → `goal bought reached`,
 * `on_error: exit after welcome-email failed` → `welcome-email failed (on_error: exit)`,
 * `exit at bye` → `exit step bye`. Anything else (`flow stopped`) reads as it is.
 */
export function exitWords(reason: string | undefined): string | undefined {
  if (!reason) return undefined;
  const exitWhen = /^exit_when: (.+)$/.exec(reason);
  if (exitWhen) return `exit_when ${exitWhen[1]}`;
  const goal = /^goal reached: (.+)$/.exec(reason);
  if (goal) return `goal ${goal[1]} reached`;
  const onError = /^on_error: exit after (.+) failed$/.exec(reason);
  if (onError) return `${onError[1]} failed (on_error: exit)`;
  const exitStep = /^exit at (.+)$/.exec(reason);
  if (exitStep) return `exit step ${exitStep[1]}`;
  return reason;
}

const withReason = (word: RunWord, reason: string | undefined): RunVerdict => (reason ? { word, reason } : { word });
