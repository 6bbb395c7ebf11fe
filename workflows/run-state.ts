import type { FlowEvent } from '../dsl/language/event.ts';
import type { EventMatchIR } from '../dsl/language/ir.ts';
import type { Profile } from '../store/store.ts';
import type { HeldSend, Waiting } from './messages.ts';

/** Events kept for a wait_for the run has not reached yet: a bound, as a run's memory is. */
const EARLY_KEPT = 20;

/** Everything a run knows about itself; the `state` query shows it. */
export class RunState {
  step: string | null = null;
  readonly path: string[] = [];
  vars: Record<string, unknown> = {};
  waiting: Waiting | null = null;
  /** What the current wait_for listens for, and what arrived. */
  awaiting: EventMatchIR | null = null;
  awaited: FlowEvent | null = null;
  /** Events that came while no wait_for listened (the last few), for the next wait_for to look back on. */
  readonly early: FlowEvent[] = [];
  /** When the step before the current one ended (the run's entry before its first step): how far back a wait_for looks. */
  stepEndedAt = 0;
  private reason: string | null = null;
  private readonly exitListeners = new Set<() => void>();
  /** The profile as last read, for exit_when and wait_for conditions evaluated in signal handlers. */
  profile: Profile | null = null;
  /** Sends held back by guardrails (the state query and Temporal Web's details show them). */
  readonly held: HeldSend[] = [];
  private readonly seenEvents: string[] = [];

  /** Why the run must leave (a signal, a stop, an exit step…), once asked. */
  get exitReason(): string | null {
    return this.reason;
  }

  set exitReason(reason: string | null) {
    this.reason = reason;
    if (reason === null) return;
    const listeners = [...this.exitListeners];
    this.exitListeners.clear();
    for (const listener of listeners) listener();
  }

  /**
   * Calls `listener` once when an exit is asked (at once if it already is); answers a function that
   * takes it back. A wait listens so an exit ends it, without a `condition` (three promises, each
   * with a stack captured by the worker's promise hook).
   */
  onExit(listener: () => void): () => void {
    if (this.reason !== null) {
      listener();
      return () => undefined;
    }
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Keeps an event no wait_for listened for, the last EARLY_KEPT of them. */
  keepEarly(event: FlowEvent): void {
    this.early.push(event);
    if (this.early.length > EARLY_KEPT) this.early.shift();
  }

  /** True the first time an event id is seen; a redelivered event is ignored. */
  firstDelivery(id: string): boolean {
    if (this.seenEvents.includes(id)) return false;
    this.seenEvents.push(id);
    if (this.seenEvents.length > 500) this.seenEvents.shift();
    return true;
  }
}
