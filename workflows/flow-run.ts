import { condition, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/types.ts';
import { stepLabel, stepTitle } from '../dsl/describe.ts';
import { matchesEvent, type FlowEvent } from '../dsl/event.ts';
import type { StepIR } from '../dsl/ir.ts';
import type { FlowRunInput, FlowRunResult } from './input.ts';
import { eventSignal, stateQuery, type RunStateView, type Waiting } from './messages.ts';
import type { Outcome, Run } from './run.ts';
import { RunState } from './run-state.ts';
import { FLOW_ID, FLOW_STEP } from './search-attributes.ts';
import { HANDLERS } from './steps/index.ts';
import { FLOW_TASK_QUEUE } from './task-queues.ts';

const { readProfile } = proxyActivities<Activities>({
  taskQueue: FLOW_TASK_QUEUE,
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 5 },
  summary: 'read profile',
});

/** The one workflow type: it interprets a compiled flow for one user. */
export async function flowRun(input: FlowRunInput): Promise<FlowRunResult> {
  const state = new RunState();
  const { flow, userId } = input;
  // Runs started by Flowline carry its search attributes; the time-skipping server has none.
  const searchable = workflowInfo().typedSearchAttributes.get(FLOW_ID) !== undefined;

  setHandler(stateQuery, (): RunStateView => ({
    flow: flow.flow,
    version: flow.version,
    user: userId,
    step: state.step,
    stepLabel: state.step !== null && current ? stepLabel(current) : null,
    path: [...state.path],
    vars: state.vars,
    waiting: state.waiting,
    exitRequested: state.exitReason,
  }), { description: 'where the run is: step, vars, and what it waits for' });

  setHandler(eventSignal, (event: FlowEvent, forUser?: string) => {
    if (forUser !== undefined && forUser !== userId) return;
    if (!state.firstDelivery(event.id)) return;
    const scope = { profile: state.profile, vars: state.vars };
    const now = Date.now();
    const exitOn = flow.exitWhen.find((m) => matchesEvent(m, event, scope, now));
    if (exitOn && state.exitReason === null) state.exitReason = `exit_when: ${event.name}`;
    else if (state.awaiting && state.awaited === null && matchesEvent(state.awaiting, event, scope, now)) state.awaited = event;
  }, { description: 'an event for this user: wait_for and exit_when listen to it' });

  const show = (step: StepIR | null, waiting: Waiting | null) => {
    state.waiting = waiting;
    const lines = [`**${flow.name}** · user \`${userId}\` · version \`${flow.version}\``];
    if (step) lines.push(`Step: ${stepTitle(step)}`);
    if (waiting?.kind === 'wait_for') lines.push(`Waiting for \`${waiting.event}\` until ${waiting.until}, then timing out`);
    else if (waiting) lines.push(`Waiting (${waiting.kind}) until ${waiting.until}`);
    setCurrentDetails(lines.join('\n\n'));
  };

  let current: StepIR | null = null;

  const run: Run = {
    input,
    state,
    async steps(steps, event): Promise<Outcome> {
      for (const step of steps) {
        if (state.exitReason !== null) return 'exit';
        current = step;
        state.step = step.id;
        state.path.push(step.id);
        if (searchable) upsertSearchAttributes([{ key: FLOW_STEP, value: step.id }]);
        show(step, null);
        const handler = HANDLERS[step.kind] as (s: StepIR, r: Run, e: FlowEvent) => Promise<Outcome>;
        if ((await handler(step, run, event)) === 'exit') return 'exit';
      }
      return state.exitReason === null ? 'next' : 'exit';
    },
    async pause(ms, waiting, until) {
      show(current, waiting);
      const summary = waiting.kind === 'wait_for' ? `wait for ${waiting.event}` : `${waiting.kind} until ${waiting.until}`;
      await condition(() => state.exitReason !== null || (until?.() ?? false), Math.max(1, ms), { summary });
      show(current, null);
      return state.exitReason !== null;
    },
    async readProfile() {
      state.profile = await readProfile(userId);
      return state.profile;
    },
  };

  const outcome = await run.steps(flow.steps, input.event);
  state.step = null;
  show(null, null);
  if (searchable) upsertSearchAttributes([{ key: FLOW_STEP, value: outcome === 'exit' ? 'exited' : 'completed' }]);
  return {
    outcome: outcome === 'exit' ? 'exited' : 'completed',
    path: state.path,
    ...(state.exitReason ? { exitReason: state.exitReason } : {}),
    vars: state.vars,
  };
}
