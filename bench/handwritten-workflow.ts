// The same flow as bench/interpreter-overhead.ts runs through Flowline, written by hand as a
// Temporal workflow calling the same activities: the baseline the interpreter is measured against.
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities, EffectInput, EffectStep } from '../activities/types.ts';
import type { FlowEvent } from '../dsl/language/event.ts';

export async function handWritten(input: {
  userId: string;
  event: FlowEvent;
  steps: { setVar: EffectStep; email: EffectStep; push: EffectStep };
}): Promise<void> {
  const options = { startToCloseTimeout: '10s', retry: { maximumAttempts: 5 } } as const;
  const sailthru = proxyActivities<Activities>({ ...options, taskQueue: 'flowline-dest-sailthru' });
  const clevertap = proxyActivities<Activities>({ ...options, taskQueue: 'flowline-dest-clevertap' });
  const { readProfile } = proxyActivities<Activities>({ ...options, taskQueue: 'flowline-flows' });
  const info = workflowInfo();
  const call = (step: EffectStep, vars: Record<string, unknown> = {}): EffectInput => ({
    workflowId: info.workflowId,
    runId: info.runId,
    flowId: 'handwritten',
    userId: input.userId,
    step,
    event: input.event,
    vars,
  });
  const set = await sailthru.setVars(call(input.steps.setVar));
  await sailthru.sendEmail(call(input.steps.email, set.vars));
  await sleep(1000);
  const profile = await readProfile(input.userId);
  if (profile.attributes.tier === 'gold') await clevertap.sendPush(call(input.steps.push, set.vars));
}
