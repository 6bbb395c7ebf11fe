import type { Client } from '@temporalio/client';
import type { FlowRunResult } from '../workflows/input.ts';
import { verdictOf, type RunVerdict } from '../workflows/run-verdict.ts';

/**
 * How a run ended, as Temporal tells it: a COMPLETED run's result says whether it exited and why,
 * a failed one's error says what failed. One read of the close event per closed run. (A run Temporal
 * no longer has is told from the step events its caller has read: verdictFromEvents.)
 */
export async function runVerdict(client: Client, workflowId: string, runId: string | undefined, status: string): Promise<RunVerdict> {
  if (status === 'RUNNING') return verdictOf(status);
  const handle = client.workflow.getHandle(workflowId, runId, { followRuns: false });
  const ended = await handle.result().then(
    (result: unknown) => ({ result: result as FlowRunResult }),
    (error: Error & { cause?: Error }) => ({ error: error.cause?.message ?? error.message }),
  );
  return 'result' in ended ? verdictOf(status, ended.result) : verdictOf(status, null, ended.error);
}
