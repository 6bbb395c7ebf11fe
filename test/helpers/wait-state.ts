import type { WorkflowHandle } from '@temporalio/client';
import { stateQuery, type RunStateView } from '../../workflows/messages.ts';

/** Polls the run's `state` query until it satisfies a predicate (or gives up after ~20s). */
export async function waitForState(handle: WorkflowHandle, predicate: (s: RunStateView) => boolean): Promise<RunStateView> {
  let last: RunStateView | undefined;
  for (let i = 0; i < 200; i++) {
    try {
      last = await handle.query(stateQuery);
      if (predicate(last)) return last;
    } catch {
      // the first workflow task may not have run yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run never reached the expected state; last: ${JSON.stringify(last)}`);
}
