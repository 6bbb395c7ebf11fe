import { FLOW_STEP, type StepEvent, type StepOutcome } from '../store/step-log.ts';
import { stepEventId } from '../store/step-rollup.ts';

export { FLOW_STEP as FLOW };

type Base = Pick<StepEvent, 'flowId' | 'version' | 'workflowId' | 'runId' | 'userId'>;
type Extra = { branch?: string; message?: string; at?: number };

/**
 * The step events a run has produced and not yet handed to an activity to record. Ids and times
 * come from the run (workflow time), so a replay produces the same events and the log counts each
 * once. Off for runs that started before the interpreter recorded events (their input has no
 * `stepEvents` flag), so their histories replay unchanged.
 */
export class StepEvents {
  private pending: StepEvent[] = [];
  /** Ids an activity recorded ahead of the run (workflows/steps/effect.ts): not recorded again. */
  private readonly ahead = new Set<string>();

  constructor(
    private readonly base: Base,
    readonly on: boolean,
  ) {}

  /** The event a step's outcome makes now, without adding it. */
  make(step: string, outcome: StepOutcome, extra: Extra = {}): StepEvent {
    const { at = Date.now(), ...rest } = extra;
    const event = { ...this.base, step, outcome, ...rest, at };
    return { id: stepEventId(event), ...event };
  }

  add(step: string, outcome: StepOutcome, extra: Extra = {}): void {
    if (!this.on) return;
    const event = this.make(step, outcome, extra);
    if (!this.ahead.delete(event.id)) this.pending.push(event);
  }

  /** These events are in the log already: when the run makes them, they are not recorded again. */
  recordedAhead(events: readonly StepEvent[]): void {
    for (const e of events) this.ahead.add(e.id);
  }

  /** Whether this step outcome was recorded ahead and the run has not made it yet. */
  isAhead(step: string, outcome: StepOutcome): boolean {
    return this.ahead.has(this.make(step, outcome).id);
  }

  /** The events to record now; the caller gives back those it could not record. */
  take(): StepEvent[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  giveBack(events: readonly StepEvent[]): void {
    this.pending.unshift(...events);
  }

  get size(): number {
    return this.pending.length;
  }
}
