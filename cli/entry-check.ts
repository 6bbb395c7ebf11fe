import { conditionText, triggerText } from '../dsl/language/describe.ts';
import { triggerTakes, type FlowEvent } from '../dsl/language/event.ts';
import type { FlowIR } from '../dsl/language/ir.ts';
import { flowPhase, windowText } from '../dsl/language/lifecycle.ts';
import { NOT_STARTED_WORDS } from '../ingest/not-started.ts';
import type { Profile } from '../store/store.ts';

/**
 * Why ingest would not start this flow for this event and profile, in words; undefined when it
 * would. `flows run` and `flows simulate` ask before they start, so they show what production does.
 */
export function whyNotStarted(flow: FlowIR, event: FlowEvent, profile: Profile, now: number, zone: string): string | undefined {
  // The phase ingest goes by (dsl/language/lifecycle.ts): the status, and the active window in the config's zone.
  const phase = flowPhase(flow, zone, now);
  if (phase === 'not-yet-active')
    return `the flow's active window has not begun (${windowText(flow.active!)}): ingest starts no run of it yet`;
  if (phase !== 'active') {
    const why = phase === flow.status ? '' : ` (its active window is over: ${windowText(flow.active!)})`;
    return `the flow is ${phase}${why}: ingest starts no run of it`;
  }
  const { where, ...kind } = flow.trigger;
  const takes = triggerTakes(flow.trigger, event, { profile, vars: {} }, now);
  if (takes === 'other-event') return `the event '${event.name}' does not trigger this flow (trigger: ${triggerText(kind).join(', ')})`;
  if (takes === 'filter' && where) return `${NOT_STARTED_WORDS.filter}: where ${conditionText(where)}`;
  return undefined;
}

export const FORCE_NOTE = '--force: started although ingest would not start it';
