import type { FlowEvent } from '../dsl/event.ts';
import type { EventMatchIR } from '../dsl/ir.ts';
import type { Profile } from '../profiles/store.ts';
import type { HeldSend, Waiting } from './messages.ts';

/** Everything a run knows about itself; the `state` query shows it. */
export class RunState {
  step: string | null = null;
  readonly path: string[] = [];
  vars: Record<string, unknown> = {};
  waiting: Waiting | null = null;
  /** What the current wait_for listens for, and what arrived. */
  awaiting: EventMatchIR | null = null;
  awaited: FlowEvent | null = null;
  exitReason: string | null = null;
  /** The profile as last read, for exit_when and wait_for conditions evaluated in signal handlers. */
  profile: Profile | null = null;
  /** Sends held back by guardrails (the state query and Temporal Web's details show them). */
  readonly held: HeldSend[] = [];
  private readonly seenEvents: string[] = [];

  /** True the first time an event id is seen; a redelivered event is ignored. */
  firstDelivery(id: string): boolean {
    if (this.seenEvents.includes(id)) return false;
    this.seenEvents.push(id);
    if (this.seenEvents.length > 500) this.seenEvents.shift();
    return true;
  }
}
