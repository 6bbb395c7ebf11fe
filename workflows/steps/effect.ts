import { ActivityFailure, ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { ACTIVITY_FOR, type Activities, type EffectStep } from '../../activities/types.ts';
import { describeStep, shortText, stepLabel } from '../../dsl/language/describe.ts';
import type { FlowEvent } from '../../dsl/language/event.ts';
import { ON_ERROR_BRANCH } from '../../dsl/language/ir.ts';
import { ON_ERROR_EXIT } from '../../dsl/language/lifecycle.ts';
import type { DestinationRoute } from '../input.ts';
import type { Next, Run, StepHandler } from '../run.ts';
import { guardSend } from './guards.ts';

/**
 * Every step that calls a destination: one activity on that destination's task queue, with its
 * retry policy (the step's override first). Once retries are spent, `on_error` decides.
 */
// Chained, not async (like check and wait): an async layer costs promises, and the worker's
// promise hook captures a stack for each.
export const effect: StepHandler<EffectStep> = (step, run, event) => {
  const name = step.destination;
  const route = run.input.destinations[name];
  if (!route) {
    throw ApplicationFailure.create({
      type: 'UnknownDestination',
      message: `the run has no route to destination '${name}'`,
      nonRetryable: true,
    });
  }
  // Caps, quiet hours and suppression hold a send back before its call (only when the config has any).
  if (run.input.guardrails) return guardSend(step, run).then((guarded) => (guarded === 'send' ? call(step, route, run, event) : guarded));
  return call(step, route, run, event);
};

/** The step's activity, and what its result or failure means for the run. */
function call(step: EffectStep, route: DestinationRoute, run: Run, event: FlowEvent): Promise<Next> {
  const attempts = step.retry?.attempts ?? route.retry.attempts;
  const backoffMs = step.retry?.backoffMs ?? route.retry.backoffMs;
  // Temporal Web's one-line summary: the box's lines, each cut as a name is (an SMS body, a URL).
  const summary = `${describeStep(step)
    .lines.map((l) => shortText(l))
    .join(' ')} · user ${run.input.userId}`;
  const activities = proxyActivities<Activities>({
    taskQueue: route.taskQueue,
    startToCloseTimeout: route.timeoutMs,
    retry: {
      maximumAttempts: attempts,
      initialInterval: backoffMs,
      backoffCoefficient: 2,
      maximumInterval: Math.max(backoffMs, 5 * 60_000),
    },
    summary: summary.slice(0, 200),
  });
  const info = workflowInfo();
  // The run's pending step events ride along with the call; the activity records them and the step's own.
  const at = Date.now();
  const pending = run.events.take();
  // What the run does right after this step succeeds (a wait's entry, the run's end) rides too.
  const after = run.ahead();
  const sent = activities[ACTIVITY_FOR[step.kind]]({
    workflowId: info.workflowId,
    runId: info.runId,
    flowId: run.input.flow.flow,
    userId: run.input.userId,
    step,
    event,
    vars: run.state.vars,
    ...(run.events.on ? { stepEvents: { version: run.input.flow.version, at, attempts, pending, after } } : {}),
  });
  return sent.then(
    (out): Next => {
      if (out.vars) run.state.vars = { ...run.state.vars, ...out.vars };
      // Events the log could not take go back, but those of what comes next are the run's to make.
      const missed = new Set(out.unrecorded?.map((e) => e.id));
      run.events.recordedAhead(after.filter((e) => !missed.has(e.id)));
      const ahead = new Set(after.map((e) => e.id));
      if (out.unrecorded) run.events.giveBack(out.unrecorded.filter((e) => !ahead.has(e.id)));
      return 'next';
    },
    (error: unknown): Next => {
      if (!(error instanceof ActivityFailure)) throw error;
      // Recorded or not by the failed attempts, they are recorded again (the log counts an id once).
      run.events.giveBack(pending);
      run.events.add(step.id, 'failed', { message: error.cause?.message ?? error.message, at });
      if (step.onError === 'continue') return 'next';
      // A failure branch: its steps, then on after this step (an exit in them leaves the flow).
      if (typeof step.onError === 'object') {
        run.events.add(step.id, 'branch', { branch: ON_ERROR_BRANCH });
        return { branch: step.onError.steps, event };
      }
      if (step.onError === 'exit') {
        run.state.exitReason = `${ON_ERROR_EXIT} ${stepLabel(step)} failed`;
        return 'exit';
      }
      throw ApplicationFailure.create({
        type: 'StepFailed',
        message: `step ${stepLabel(step)} failed: ${error.cause?.message ?? error.message}`,
        nonRetryable: true,
        cause: error,
      });
    },
  );
}
