import type { Client } from '@temporalio/client';
import type { StepLog } from '../store/step-log.ts';
import type { FlowRunResult } from '../workflows/input.ts';
import { verdictFromEvents, verdictOf, type RunVerdict } from '../workflows/run-verdict.ts';

/**
 * How a run ended, as Temporal tells it: a COMPLETED run's result says whether it exited and why,
 * a failed one's error says what failed. One read of the close event per closed run; a run Temporal
 * no longer has is told from its step events.
 */
export async function runVerdict(
  client: Client,
  log: StepLog,
  workflowId: string,
  runId: string | undefined,
  status?: string,
): Promise<RunVerdict | null> {
  if (status === undefined) return verdictFromEvents(await log.run(workflowId, runId));
  if (status === 'RUNNING') return verdictOf(status);
  const handle = client.workflow.getHandle(workflowId, runId, { followRuns: false });
  const ended = await handle.result().then(
    (result: unknown) => ({ result: result as FlowRunResult }),
    (error: Error & { cause?: Error }) => ({ error: error.cause?.message ?? error.message }),
  );
  return 'result' in ended ? verdictOf(status, ended.result) : verdictOf(status, null, ended.error);
}
