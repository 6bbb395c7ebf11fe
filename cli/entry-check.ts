import { conditionText, triggerText } from '../dsl/describe.ts';
import { matchesTrigger, type FlowEvent } from '../dsl/event.ts';
import type { FlowIR } from '../dsl/ir.ts';
import type { Profile } from '../profiles/store.ts';

/**
 * Why ingest would not start this flow for this event and profile, in words; undefined when it
 * would. `flows run` and `flows simulate` ask before they start, so they show what production does.
 */
export function whyNotStarted(flow: FlowIR, event: FlowEvent, profile: Profile, now: number): string | undefined {
  if (flow.status !== 'active') return `the flow is ${flow.status}: ingest starts no run of it`;
  const scope = { profile, vars: {} };
  const { where, ...kind } = flow.trigger;
  if (!matchesTrigger(kind, event, scope, now)) {
    return `the event '${event.name}' does not trigger this flow (trigger: ${triggerText(kind).join(', ')})`;
  }
  if (where && !matchesTrigger(flow.trigger, event, scope, now)) return `the trigger's filter does not hold: where ${conditionText(where)}`;
  return undefined;
}

export const FORCE_NOTE = '--force: started although ingest would not start it';
