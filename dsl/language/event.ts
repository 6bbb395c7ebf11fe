import type { ConditionIR } from './conditions.ts';
import { evaluate, type Scope } from './evaluate.ts';
import type { EventMatchIR, GoalIR, TriggerIR } from './ir.ts';

/**
 * One event as flows see it, whatever its source: an mParticle custom event, a session, a
 * commerce action, an attribute or identity change, an audience change, or one typed by hand.
 * `event.` in conditions and templates reads these fields.
 */
export interface FlowEvent {
  /** Unique per delivery source (mParticle's source_message_id when there is one). */
  id: string;
  name: string;
  type: string;
  /** Epoch milliseconds. */
  timestamp: number;
  attributes: Record<string, unknown>;
  products?: Array<Record<string, unknown>>;
  revenue?: number;
  currency?: string;
  transaction_id?: string;
  attribute_name?: string;
  new?: unknown;
  old?: unknown;
  identity_type?: string;
  identity?: string;
  audience_id?: string;
  audience_name?: string;
}

const holds = (where: ConditionIR | undefined, scope: Scope, now: number): boolean => where === undefined || evaluate(where, scope, now);

/** Does this event satisfy an `exit_when` entry or a `wait_for`? */
export function matchesEvent(match: EventMatchIR, event: FlowEvent, scope: Omit<Scope, 'event'>, now: number): boolean {
  return match.event === event.name && holds(match.where, { ...scope, event }, now);
}

/** Is this event a conversion of a goal for a run that entered at `enteredAt`: its event and `where`, within the window? */
function goalMatches(goal: GoalIR, event: FlowEvent, scope: Omit<Scope, 'event'>, now: number, enteredAt: number): boolean {
  return event.timestamp >= enteredAt && event.timestamp <= enteredAt + goal.withinMs && matchesEvent(goal, event, scope, now);
}

/** The first `exit: true` goal this event converts, for a run that entered at `enteredAt`. */
export function goalReached(
  goals: readonly GoalIR[] | undefined,
  event: FlowEvent,
  scope: Omit<Scope, 'event'>,
  now: number,
  enteredAt: number,
): GoalIR | undefined {
  return goals?.find((g) => g.exit && goalMatches(g, event, scope, now, enteredAt));
}

/**
 * Does this event start a flow with this trigger? `yes`, else why not: `other-event` (it starts
 * on something else) or `filter` (its `where` does not hold). Ingest's not-started reasons and
 * `flows run` tell the two refusals apart.
 */
export function triggerTakes(
  trigger: TriggerIR,
  event: FlowEvent,
  scope: Omit<Scope, 'event'>,
  now: number,
): 'other-event' | 'filter' | 'yes' {
  const kindMatches = (() => {
    switch (trigger.kind) {
      case 'event':
        return event.name === trigger.event;
      case 'attribute_change':
        return event.name === 'user_attribute_change' && trigger.attributes.includes(String(event.attribute_name));
      case 'identity_change':
        return (
          event.name === 'user_identity_change' && (trigger.identityType === undefined || trigger.identityType === event.identity_type)
        );
      case 'audience':
        return (
          event.name === `audience_${trigger.on}` &&
          (trigger.audienceId === undefined || trigger.audienceId === event.audience_id) &&
          (trigger.audienceName === undefined || trigger.audienceName === event.audience_name)
        );
      case 'scheduled_audience':
      case 'date':
        return false; // entered on a schedule (ingest/scheduled-entries.ts), never by an event
    }
  })();
  if (!kindMatches) return 'other-event';
  return holds(trigger.where, { ...scope, event }, now) ? 'yes' : 'filter';
}

/** An event typed by hand (`flows run --event`), completed with what a sender would have set. */
export function manualEvent(raw: Partial<FlowEvent> & { name: string }, id: string, now: number): FlowEvent {
  return { type: 'custom_event', timestamp: now, attributes: {}, ...raw, id: raw.id ?? id };
}
