import type { FlowPhase } from '../dsl/language/lifecycle.ts';

/** Why a start was refused by the flow's phase or its entry rules (ingest/start-run.ts decides them). */
export type EntryRefusal = Exclude<FlowPhase, 'active'> | 'already-entered' | 'already-running' | 'duplicate-event' | 'frequency-cap';

/**
 * Why an event started no run: an entry refusal, the trigger's `where` (`filter`), or no flow
 * starts on nor waits for the event (`no-flow`). The report, `/stats` and `flows send` all use these codes.
 */
export type NotStarted = EntryRefusal | 'filter' | 'no-flow';

/** Each reason in words, once: `flows send` prints them, `flows run` words the filter the same. */
export const NOT_STARTED_WORDS: Record<NotStarted, string> = {
  'no-flow': 'no flow starts on or waits for this event',
  filter: "the trigger's filter does not hold",
  paused: 'the flow is paused',
  draft: 'the flow is a draft',
  finishing: 'the flow is finishing: it takes no new entries',
  stopped: 'the flow is stopped',
  'not-yet-active': "the flow's active window has not begun",
  'already-entered': 'the user entered it before (reentry: never)',
  'already-running': "the user's run of it is still running (reentry: after_exit)",
  'duplicate-event': 'this event already started its run',
  'frequency-cap': 'the user reached its entry frequency cap',
};

/** One event that started no run of one flow (none for `no-flow`), as the batch report lists it. */
export interface EventNotStarted {
  event: string;
  flow?: string;
  reason: NotStarted;
}

/** One readable line, e.g. `not started on 'sign_up': flow welcome: the trigger's filter does not hold`. */
export const notStartedText = (n: EventNotStarted): string =>
  `not started on '${n.event}': ${n.flow ? `flow ${n.flow}: ` : ''}${NOT_STARTED_WORDS[n.reason] ?? n.reason}`;
