import { log } from '@temporalio/workflow';
import { matchesEvent } from '../../dsl/language/event.ts';
import { read } from '../../dsl/language/evaluate.ts';
import type { StepOf } from '../../dsl/language/ir.ts';
import { isValidZone, nextWindow } from '../next-window.ts';
import type { StepHandler } from '../run.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** `wait: 3d`: a durable timer. */
export const wait: StepHandler<StepOf<'wait'>> = (step, run) =>
  run.pause(step.durationMs, { kind: 'wait', until: iso(Date.now() + step.durationMs) });

/** `wait_until`: the next send window in the user's zone, else the step's, else the config's. */
export const waitUntil: StepHandler<StepOf<'wait_until'>> = async (step, run, event) => {
  let zone = run.input.timezone;
  if (step.timezone && 'zone' in step.timezone) zone = step.timezone.zone;
  else if (step.timezone) {
    const [root] = step.timezone.field;
    const scope = { event, vars: run.state.vars, profile: root === 'profile' ? await run.readProfile() : null };
    const found = read(scope, step.timezone.field);
    if (isValidZone(found)) zone = found;
    else log.info('no usable time zone in profile; using the default', { field: step.timezone.field.join('.'), zone });
  }
  const target = nextWindow(Date.now(), zone, step.hour, step.minute, step.days);
  return run.pause(target - Date.now(), { kind: 'wait_until', until: iso(target) });
};

/** `wait_for`: `then` when the event arrives, `else` when the timeout passes first. */
export const waitFor: StepHandler<StepOf<'wait_for'>> = async (step, run, event) => {
  run.state.awaiting = { event: step.event, ...(step.where ? { where: step.where } : {}) };
  run.state.awaited = null;
  if (step.where) run.state.profile = await run.readProfile();
  // An event that came before the run got here, but after the step before this one ended, is the awaited one too.
  if (run.input.earlyEvents) {
    const scope = { profile: run.state.profile, vars: run.state.vars };
    const since = run.state.stepEndedAt;
    run.state.awaited =
      run.state.early.find((e) => e.timestamp >= since && matchesEvent(run.state.awaiting!, e, scope, Date.now())) ?? null;
    run.state.early.length = 0;
  }
  const exited =
    (await run.pause(
      step.timeoutMs,
      { kind: 'wait_for', until: iso(Date.now() + step.timeoutMs), event: step.event },
      () => run.state.awaited !== null,
    )) === 'exit';
  const arrived = run.state.awaited;
  run.state.awaiting = null;
  run.state.awaited = null;
  if (exited) return 'exit';
  run.events.add(step.id, 'branch', { branch: arrived ? 'event' : 'timeout' });
  return arrived ? { branch: step.then, event: arrived } : { branch: step.else, event };
};
