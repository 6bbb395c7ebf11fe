import type { FlowEvent } from '../dsl/language/event.ts';
import type { StepIR } from '../dsl/language/ir.ts';
import type { StepEvent } from '../store/step-log.ts';
import type { Profile } from '../store/store.ts';
import type { FlowRunInput } from './input.ts';
import type { Waiting } from './messages.ts';
import type { RunState } from './run-state.ts';
import type { StepEvents } from './step-events.ts';

/** How a list of steps ends: on after it, or out of the flow. */
export type Outcome = 'next' | 'exit';

/**
 * What a step handler returns: go on with the next step, leave the flow, or run a branch first
 * (its steps; `event` is what their templates and conditions see as `event`), then go on after
 * this step. The interpreter runs the branch in its own loop: no nested call, no promise of its own.
 */
export type Next = Outcome | { branch: StepIR[]; event: FlowEvent };

/** What a step handler may use: the run's input and state, and the interpreter's services. */
export interface Run {
  input: FlowRunInput;
  state: RunState;
  /** A durable timer that ends early when the run must exit; resolves 'exit' in that case. */
  pause(ms: number, waiting: Waiting, until?: () => boolean): Promise<Outcome>;
  /** The user's profile, read fresh. */
  readProfile(): Promise<Profile>;
  /** The run's step events not yet recorded (entered, branch, exited…). */
  events: StepEvents;
  /** Records pending step events now (a local activity): before a wait, and at the end. */
  flush(): Promise<void>;
  /**
   * The events the run makes as soon as the current step succeeds, when it goes straight on to a
   * wait (its `entered`) or to its end (`completed`); none otherwise, or for inputs without
   * `recordAhead`. A destination step's activity records them with its own, so no flush is needed.
   */
  ahead(): StepEvent[];
}

// A handler that needs no command answers at once: awaiting costs a promise (and its stack).
export type StepHandler<S extends StepIR = StepIR> = (step: S, run: Run, event: FlowEvent) => Next | Promise<Next>;
