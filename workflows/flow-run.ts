import {
  ActivityFailure,
  CancellationScope,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/types.ts';
import { stepLabel, stepTitle } from '../dsl/language/describe.ts';
import { goalReached, matchesEvent, type FlowEvent } from '../dsl/language/event.ts';
import { irSteps, type StepIR } from '../dsl/language/ir.ts';
import { withDefaultDestination } from '../dsl/language/destination-defaults.ts';
import { exitWhenReason, FLOW_STOPPED, goalReason, stopsAt } from '../dsl/language/lifecycle.ts';
import { PAUSING_STEPS } from '../dsl/language/step-kinds.ts';
import type { FlowRunInput, FlowRunResult } from './input.ts';
import { eventSignal, stateQuery, stopSignal, type RunStateView, type Waiting } from './messages.ts';
import type { Outcome, Run, StepHandler } from './run.ts';
import { RunState } from './run-state.ts';
import { verdictOf, verdictText } from './run-verdict.ts';
import { FLOW_ID, FLOW_STEP } from './search-attributes.ts';
import { FLOW, StepEvents } from './step-events.ts';
import { HANDLERS } from './steps/index.ts';
import { FLOW_TASK_QUEUE } from './task-queues.ts';

const { readProfile } = proxyActivities<Activities>({
  taskQueue: FLOW_TASK_QUEUE,
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 5 },
  summary: 'read profile',
});

// Step events are recorded by the next destination activity; when none is coming (before a wait,
// at the end) by this local activity: a marker in history, no task round trip.
const { recordSteps } = proxyLocalActivities<Activities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 3 } });

/** The one workflow type: it interprets a compiled flow for one user. */
export async function flowRun(input: FlowRunInput): Promise<FlowRunResult> {
  const state = new RunState();
  const { flow, userId } = input;
  // A run started before webhook steps were compiled with their default destination has none on them.
  for (const step of irSteps(flow.steps)) withDefaultDestination(step);
  // Runs started by Flowline carry its search attributes; the time-skipping server has none.
  const info = workflowInfo();
  const searchable = info.typedSearchAttributes.get(FLOW_ID) !== undefined;
  const base = { flowId: flow.flow, version: flow.version, workflowId: info.workflowId, runId: info.runId, userId };
  const events = new StepEvents(base, input.stepEvents === true);
  // The entry time conversions are counted from: the starter's, as ingest's crediting uses it.
  const enteredAt = input.enteredAt ?? info.runStartTime.getTime();
  state.stepEndedAt = enteredAt;

  setHandler(
    stateQuery,
    (): RunStateView => ({
      flow: flow.flow,
      version: flow.version,
      user: userId,
      step: state.step,
      stepLabel: state.step !== null && current ? stepLabel(current) : null,
      path: [...state.path],
      vars: state.vars,
      waiting: state.waiting,
      exitRequested: state.exitReason,
      ...(state.held.length > 0 ? { held: [...state.held] } : {}),
    }),
    { description: 'where the run is: step, vars, and what it waits for' },
  );

  setHandler(
    eventSignal,
    (event: FlowEvent, forUser?: string) => {
      if (forUser !== undefined && forUser !== userId) return;
      if (!state.firstDelivery(event.id)) return;
      const scope = { profile: state.profile, vars: state.vars };
      const now = Date.now();
      const exitOn = flow.exitWhen.find((m) => matchesEvent(m, event, scope, now));
      const reached = goalReached(flow.goals, event, scope, now, enteredAt);
      if (exitOn && state.exitReason === null) state.exitReason = exitWhenReason(event.name);
      else if (reached && state.exitReason === null) state.exitReason = goalReason(reached.name);
      else if (state.awaiting && state.awaited === null && matchesEvent(state.awaiting, event, scope, now)) state.awaited = event;
      else if (!state.awaiting && input.earlyEvents) state.keepEarly(event);
    },
    { description: 'an event for this user: wait_for, exit_when and goals with exit: true listen to it' },
  );

  setHandler(
    stopSignal,
    (reason: string) => {
      if (state.exitReason === null) state.exitReason = reason;
    },
    { description: 'the flow was stopped: the run leaves at its next step (a wait is cut short)' },
  );
  // A window with `then: stop` ends the run at its `until` by the run's own timer, so no process has
  // to be up then. Only such flows start the timer: older inputs replay with no new command.
  const stopAt = stopsAt(flow, input.timezone);
  if (stopAt !== undefined) {
    void sleep(Math.max(1, stopAt - Date.now())).then(
      () => {
        if (state.exitReason === null) state.exitReason = FLOW_STOPPED;
      },
      () => undefined, // cancelled with the run
    );
  }

  const show = (step: StepIR | null, waiting: Waiting | null, ended?: FlowRunResult['outcome']) => {
    state.waiting = waiting;
    const lines = [`**${flow.name}** · user \`${userId}\` · version \`${flow.version}\``];
    if (step) lines.push(`Step: ${stepTitle(step)}`);
    if (waiting?.kind === 'wait_for') lines.push(`Waiting for \`${waiting.event}\` until ${waiting.until}, then timing out`);
    else if (waiting) lines.push(`Waiting (${waiting.kind}) until ${waiting.until}`);
    // How the run ended, in the words the studio and `flows status` use (Temporal says only "Completed").
    if (ended)
      lines.push(
        `Ended: ${verdictText(verdictOf('COMPLETED', { outcome: ended, ...(state.exitReason !== null ? { exitReason: state.exitReason } : {}) }))}`,
      );
    const held = state.held.at(-1); // the latest send a guardrail held back (workflows/steps/guards.ts)
    if (held) lines.push(`Held back: \`${held.step}\` ${held.outcome}${held.until ? ` until ${held.until}` : ''} (${held.reason})`);
    setCurrentDetails(lines.join('\n\n'));
  };

  let current: StepIR | null = null;
  // Where the run is in each nested list of steps (a branch inside a check inside the flow…): a
  // handler returns to its list's next step once its branch is done, so what follows the current
  // step is the next one of the innermost list that has one, or the run's end.
  const frames: { steps: StepIR[]; at: number; event: FlowEvent }[] = [];
  const enter = (step: StepIR) => {
    current = step;
    state.step = step.id;
    state.path.push(step.id);
    events.add(step.id, 'entered');
  };

  /**
   * Runs a list of steps to its end, with the branches its steps choose: one loop over a stack of
   * frames (a branch is a frame on top of the step that chose it), so a branch costs no nested
   * call and no promise of its own.
   */
  const interpret = async (steps: StepIR[], event: FlowEvent): Promise<Outcome> => {
    frames.push({ steps, at: 0, event });
    while (frames.length > 0) {
      const frame = frames.at(-1)!;
      const step = frame.steps[frame.at];
      if (!step) {
        // A branch is done: on after the step that chose it.
        frames.pop();
        if (frames.length > 0) frames.at(-1)!.at++;
        continue;
      }
      if (state.exitReason !== null) {
        // A wait whose entry was recorded ahead is entered, and left at once: the log agrees.
        if (events.isAhead(step.id, 'entered')) enter(step);
        frames.length = 0;
        return 'exit';
      }
      enter(step);
      if (searchable && !input.searchWaitsOnly) upsertSearchAttributes([{ key: FLOW_STEP, value: step.id }]);
      show(step, null);
      const handler = HANDLERS[step.kind] as StepHandler;
      const answer = handler(step, run, frame.event);
      const next = typeof answer === 'string' || 'branch' in answer ? answer : await answer;
      if (next === 'exit') {
        frames.length = 0;
        return 'exit';
      }
      state.stepEndedAt = Date.now();
      if (next === 'next') frame.at++;
      else frames.push({ steps: next.branch, at: 0, event: next.event });
    }
    return state.exitReason === null ? 'next' : 'exit';
  };

  const run: Run = {
    input,
    state,
    ahead() {
      if (!events.on || !input.recordAhead) return [];
      for (let i = frames.length - 1; i >= 0; i--) {
        const { steps, at } = frames[i]!;
        const next = steps[at + 1];
        if (next) return PAUSING_STEPS.has(next.kind) ? [events.make(next.id, 'entered')] : [];
      }
      return [events.make(FLOW, 'completed')];
    },
    pause(ms, waiting, until) {
      // Chained, not async: see workflows/steps/branches.ts.
      const wait = (): Promise<Outcome> => {
        // FlowStep names where a run stays: set when it starts waiting, not on every step it passes.
        if (searchable && input.searchWaitsOnly && current) upsertSearchAttributes([{ key: FLOW_STEP, value: current.id }]);
        show(current, waiting);
        const summary = waiting.kind === 'wait_for' ? `wait for ${waiting.event}` : `${waiting.kind} until ${waiting.until}`;
        const over = (): Outcome => {
          show(current, null);
          return state.exitReason !== null ? 'exit' : 'next';
        };
        if (until || !input.lightWaits)
          return condition(() => state.exitReason !== null || (until?.() ?? false), Math.max(1, ms), { summary }).then(over);
        // Only an exit ends this wait early, and the run then ends: its timer needs no cancelling,
        // which spares the cancellation scope condition(fn, timeout) builds (and its failure).
        return new Promise<Outcome>((resolve, reject) => {
          let settled = false;
          let stopListening = () => {};
          // Once: the timer can still fire after an exit settled the wait (the exit's listener is
          // taken back when the timer settles it first).
          const settle = () => {
            if (settled) return;
            settled = true;
            stopListening();
            resolve(over());
          };
          sleep(Math.max(1, ms), { summary }).then(settle, reject);
          stopListening = state.onExit(settle);
        });
      };
      return events.size > 0 ? run.flush().then(wait) : wait();
    },
    readProfile: () => readProfile(userId).then((profile) => (state.profile = profile)),
    events,
    async flush() {
      if (events.size === 0) return;
      const batch = events.take();
      try {
        events.giveBack(await recordSteps(batch));
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        events.giveBack(batch); // the log is unreachable: the next flush tries again
      }
    },
  };

  events.add(FLOW, 'entered', input.enteredAt === undefined ? {} : { at: input.enteredAt });
  let outcome: Outcome;
  try {
    outcome = await interpret(flow.steps, input.event);
  } catch (error) {
    events.add(FLOW, 'failed', { message: (error as Error).message });
    await CancellationScope.nonCancellable(() => run.flush());
    throw error;
  }
  const last = current as StepIR | null; // set by interpret
  // The last step's activity recorded the run as completed: an exit asked for after it has no
  // step left to leave at, so the run completed, as the log says.
  if (outcome === 'exit' && events.isAhead(FLOW, 'completed')) {
    outcome = 'next';
    state.exitReason = null;
  }
  const why = state.exitReason !== null ? { message: state.exitReason } : {};
  if (outcome === 'exit' && last) events.add(last.id, 'exited', why);
  events.add(FLOW, outcome === 'exit' ? 'exited' : 'completed', why);
  if (events.size > 0) await run.flush();
  state.step = null;
  show(null, null, outcome === 'exit' ? 'exited' : 'completed');
  if (searchable && !input.searchWaitsOnly)
    upsertSearchAttributes([{ key: FLOW_STEP, value: outcome === 'exit' ? 'exited' : 'completed' }]);
  return {
    outcome: outcome === 'exit' ? 'exited' : 'completed',
    path: state.path,
    ...(state.exitReason ? { exitReason: state.exitReason } : {}),
    vars: state.vars,
  };
}
