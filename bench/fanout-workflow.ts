// A bench-only workflow: it offers activity tasks to a destination's queue at a fixed rate, so the
// rate-limit benchmark measures the limiter rather than how fast a server starts whole runs.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities, EffectInput } from '../activities/types.ts';

export async function offerLoad(input: {
  call: EffectInput;
  taskQueue: string;
  perSecond: number;
  seconds: number;
  first: number;
}): Promise<number> {
  const { sendEvent } = proxyActivities<Activities>({
    taskQueue: input.taskQueue,
    startToCloseTimeout: '10 minutes',
    retry: { maximumAttempts: 5 },
  });
  const pending: Promise<unknown>[] = [];
  for (let s = 0; s < input.seconds; s++) {
    for (let i = 0; i < input.perSecond; i++) {
      const n = input.first + s * input.perSecond + i;
      pending.push(sendEvent({ ...input.call, step: { ...input.call.step, id: `bench-${n}` } }));
    }
    await sleep(1000);
  }
  await Promise.all(pending);
  return pending.length;
}
