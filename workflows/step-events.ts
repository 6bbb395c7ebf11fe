import { FLOW_STEP, type StepEvent, type StepOutcome } from '../profiles/step-log.ts';
import { stepEventId } from '../profiles/step-rollup.ts';

export { FLOW_STEP as FLOW };

type Base = Pick<StepEvent, 'flowId' | 'version' | 'workflowId' | 'runId' | 'userId'>;

/**
 * The step events a run has produced and not yet handed to an activity to record. Ids and times
 * come from the run (workflow time), so a replay produces the same events and the log counts each
 * once. Off for runs that started before the interpreter recorded events (their input has no
 * `stepEvents` flag), so their histories replay unchanged.
 */
export class StepEvents {
  private pending: StepEvent[] = [];

  constructor(
    private readonly base: Base,
    readonly on: boolean,
  ) {}

  add(step: string, outcome: StepOutcome, extra: { branch?: string; message?: string; at?: number } = {}): void {
    if (!this.on) return;
    const { at = Date.now(), ...rest } = extra;
    const event = { ...this.base, step, outcome, ...rest, at };
    this.pending.push({ id: stepEventId(event), ...event });
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
