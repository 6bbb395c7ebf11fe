import type { ConditionIR } from './conditions.ts';
import type { TemplateIR } from './templates.ts';

/**
 * The compiled flow: plain JSON, the input of the interpreter workflow. A running run keeps
 * the IR it started with; `version` is a hash of everything else, so any change that alters
 * behaviour gives a new version, and comments or formatting do not.
 */
export const IR_VERSION = 1;

/** A flow's statuses (the flow schema's `status` enum says the same for authors). */
export const FLOW_STATUSES = ['active', 'paused', 'draft', 'finishing', 'stopped'] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

export interface FlowIR {
  irVersion: typeof IR_VERSION;
  flow: string;
  name: string;
  status: FlowStatus;
  /** Present only when the flow declares an active window (dsl/language/lifecycle.ts reads it). */
  active?: ActiveWindowIR;
  version: string;
  /** The file it came from, for people; not part of the version. */
  source: string;
  trigger: TriggerIR;
  entry: EntryIR;
  exitWhen: EventMatchIR[];
  /** Present only when the flow declares goals (absent keeps older flows' versions unchanged); the first is primary. */
  goals?: GoalIR[];
  steps: StepIR[];
}

/**
 * A conversion goal: an event (with an optional `where`) that counts as success for a run when it
 * arrives within `withinMs` of the run's entry, even after the run has ended. Counted once per run.
 */
export interface GoalIR {
  /** The goal's name in reports: its `name`, else its event name; unique within the flow. */
  name: string;
  event: string;
  where?: ConditionIR;
  withinMs: number;
  /** A conversion ends the run at its next step (it cuts a wait short). */
  exit: boolean;
  /** The field whose number is summed as the conversion's value (e.g. ['event', 'attributes', 'revenue']). */
  value?: string[];
}

/** A split's experiment: once the primary goal decides it, new entries go to the winning branch. */
export interface PickWinnerIR {
  /** No decision before this long after the split's first run. */
  afterMs: number;
  /** No decision before every compared branch has this many runs. */
  minRuns: number;
  /** e.g. 0.95: the winner must beat each other non-control branch at this confidence. */
  confidence: number;
  /** Set in the YAML: this branch wins now, whatever the numbers say (an override). */
  winner?: string;
}

/** One branch of a split. `label` names it in reports; a `control` branch holds out (sends nothing). */
export interface SplitBranchIR {
  label: string;
  percent: number;
  control?: true;
  steps: StepIR[];
}

export type TriggerIR =
  | { kind: 'event'; event: string; where?: ConditionIR }
  | { kind: 'attribute_change'; attributes: string[]; where?: ConditionIR }
  | { kind: 'identity_change'; identityType?: string; where?: ConditionIR }
  | { kind: 'audience'; audienceId?: string; audienceName?: string; on: 'added' | 'removed'; where?: ConditionIR }
  | ScheduledAudienceTriggerIR
  | DateTriggerIR;

/** An hour and minute of the day (`at: "09:00"`, a schedule's times). */
export interface TimeOfDayIR {
  hour: number;
  minute: number;
}

/** A cadence (`schedule: "mon,thu 10:00"`): ISO weekdays (1 = Monday; absent = every day) and times of day. */
export interface ScheduleIR {
  days?: number[];
  times: TimeOfDayIR[];
}

/**
 * `audience: NAME, schedule: …`: on the cadence, the audience's members enter (events do not start it).
 * `enter: new` enters members this flow's schedule never entered before; `all` every member each time.
 * `timezone` only when the YAML names one (the config's zone applies otherwise).
 */
export interface ScheduledAudienceTriggerIR {
  kind: 'scheduled_audience';
  audienceName: string;
  schedule: ScheduleIR;
  enter: 'new' | 'all';
  timezone?: string;
  where?: ConditionIR;
}

/**
 * `date: profile.attributes.X`: the user enters on that date (once), or on its anniversary every
 * year, at `at` in the user's zone: `timezone` (a zone or a profile field), else the config's.
 */
export interface DateTriggerIR {
  kind: 'date';
  field: string[];
  anniversary: boolean;
  at: TimeOfDayIR;
  timezone?: { zone: string } | { field: string[] };
  where?: ConditionIR;
}

/**
 * `active: { from, until, then }`: local dates or date-times in the config's time zone, kept as
 * written (the zone is the config's, resolved where the window is read: dsl/language/lifecycle.ts).
 */
export interface ActiveWindowIR {
  from?: string;
  until?: string;
  then: 'finish' | 'stop';
}

export interface EntryIR {
  reentry: 'never' | 'after_exit' | 'always';
  frequency?: { max: number; perMs: number };
}

export interface EventMatchIR {
  event: string;
  where?: ConditionIR;
}

/** A template value: strings are templates; maps and lists hold more of them. */
export type TemplateValueIR = TemplateIR | number | boolean | null | TemplateValueIR[] | { [key: string]: TemplateValueIR };

export type VarOperationIR =
  { op: 'set'; value: TemplateIR | number | boolean | null } | { op: 'increment'; by: number } | { op: 'delete' };

interface StepBase {
  id: string;
  /** Where it sits, 1-based (`#3.then.1`), and its line, for people. */
  position: string;
  line: number;
  /** `{ steps }`: run them when the destination call fails for good, then go on after this step. */
  onError: 'continue' | 'exit' | 'fail' | { steps: StepIR[] };
  retry?: { attempts?: number; backoffMs?: number };
  /** Send steps only, each present only when the YAML sets it (older flows keep their version): see dsl/language/guardrails.ts. */
  caps?: 'ignore';
  quietHours?: 'ignore' | 'wait' | 'skip';
  /** Past suppression, caps and quiet hours. */
  transactional?: true;
}

export type StepIR = StepBase &
  (
    | { kind: 'set_var'; destination: string; vars: Record<string, VarOperationIR> }
    | { kind: 'send_email'; destination: string; template: string; vars: Record<string, TemplateValueIR> }
    | {
        kind: 'send_push';
        destination: string;
        title?: TemplateIR;
        body: TemplateIR;
        deepLink?: TemplateIR;
        vars: Record<string, TemplateValueIR>;
      }
    | { kind: 'send_sms'; destination: string; body: TemplateIR }
    | { kind: 'add_to_list' | 'remove_from_list'; destination: string; list: string }
    | { kind: 'send_event'; destination: string; event: string; eventType: string; attributes: Record<string, TemplateValueIR> }
    | {
        kind: 'webhook';
        /** DEFAULT_WEBHOOK_DESTINATION when the YAML names none (IR from before that has none: see withDefaultDestination). */
        destination: string;
        url: TemplateIR;
        method: string;
        headers: Record<string, TemplateIR>;
        body?: TemplateValueIR;
      }
    | { kind: 'wait'; durationMs: number }
    | { kind: 'wait_until'; hour: number; minute: number; timezone?: { zone: string } | { field: string[] }; days?: number[] }
    | { kind: 'wait_for'; event: string; where?: ConditionIR; timeoutMs: number; then: StepIR[]; else: StepIR[] }
    | { kind: 'check'; if: ConditionIR; then: StepIR[]; else: StepIR[] }
    | { kind: 'split'; branches: SplitBranchIR[]; pickWinner?: PickWinnerIR }
    | { kind: 'exit' }
  );

export type StepKindIR = StepIR['kind'];
export type StepOf<K extends StepKindIR> = Extract<StepIR, { kind: K }>;

/** The branch name the step log records when a step's failure branch (`on_error: { steps }`) runs. */
export const ON_ERROR_BRANCH = 'on_error';

/** The branches below a step, each a list of steps: the one place that knows where steps nest. */
export function childLists(step: StepIR): StepIR[][] {
  // A failure branch (`on_error: { steps }`) comes after the step's own branches.
  const failure = typeof step.onError === 'object' ? [step.onError.steps] : [];
  if (step.kind === 'check' || step.kind === 'wait_for') return [step.then, step.else, ...failure];
  if (step.kind === 'split') return [...step.branches.map((b) => b.steps), ...failure];
  return failure;
}

/** Every step of a tree, depth first in document order. */
export function* irSteps(steps: readonly StepIR[]): Generator<StepIR> {
  for (const step of steps) {
    yield step;
    for (const list of childLists(step)) yield* irSteps(list);
  }
}

/** The steps of a flow by id. */
export const stepsById = (flow: Pick<FlowIR, 'steps'>): Map<string, StepIR> => new Map([...irSteps(flow.steps)].map((s) => [s.id, s]));
