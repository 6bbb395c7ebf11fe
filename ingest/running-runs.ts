import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FlowEvent } from '../dsl/language/event.ts';
import type { FlowIR } from '../dsl/language/ir.ts';
import type { RunningRunIndex } from '../store/store.ts';
import { workflowId } from '../workflows/input.ts';
import { eventSignal } from '../workflows/messages.ts';
import { listensTo } from './listens.ts';

/**
 * Past this many ids in a user's index of a flow's runs, a start checks the oldest with
 * Temporal (describe is consistent) and drops those that closed: a user whose runs end without
 * ever being signalled does not grow the index without bound.
 */
const RUNNING_INDEX_PRUNE_AT = 32;

/**
 * Does a start of this flow go into the index of running runs? Only `reentry: always` runs have
 * ids that cannot be derived from flow and user, and only flows that listen to events need them.
 */
export const indexed = (flow: FlowIR): boolean => flow.entry.reentry === 'always' && listensTo(flow).size > 0;

/** The ids among these whose run Temporal reports closed, or (with `missingToo`) does not know. */
async function closedRuns(client: Client, ids: readonly string[], missingToo: boolean): Promise<string[]> {
  const verdicts = await Promise.all(
    ids.map((id) =>
      client.workflow
        .getHandle(id)
        .describe()
        .then(
          (d) => d.status.name !== 'RUNNING',
          (error) => {
            if (error instanceof WorkflowNotFoundError) return missingToo;
            throw error;
          },
        ),
    ),
  );
  return ids.filter((_, i) => verdicts[i]);
}

/**
 * Adds a run's id to the index before its start, so that an event right after the start finds it.
 * Past RUNNING_INDEX_PRUNE_AT ids, the oldest are checked and dropped when closed or unknown.
 */
export async function indexRun(client: Client, profiles: RunningRunIndex, flow: FlowIR, user: string, id: string): Promise<void> {
  const ids = await profiles.changeRunningRuns(flow.flow, user, { add: [id] });
  if (ids.length <= RUNNING_INDEX_PRUNE_AT) return;
  const oldest = ids.filter((i) => i !== id).slice(0, ids.length - RUNNING_INDEX_PRUNE_AT / 2);
  const remove = await closedRuns(client, oldest, true);
  if (remove.length > 0) await profiles.changeRunningRuns(flow.flow, user, { remove });
}

/**
 * Signals the user's running runs of a flow; a run that has ended is not an error. Under
 * `reentry: always` the runs come from the index ingest writes before each start (consistent with
 * the starts, unlike Temporal's visibility); ids whose run has closed are removed from it. The
 * signal names the user, so the run itself ignores an event for anyone else.
 */
export async function signalRuns(client: Client, profiles: RunningRunIndex, flow: FlowIR, user: string, event: FlowEvent): Promise<number> {
  const ids = indexed(flow) ? await profiles.runningRuns(flow.flow, user) : [workflowId(flow.flow, user)];
  const missed: string[] = [];
  const sent = await Promise.all(
    ids.map((id) =>
      client.workflow
        .getHandle(id)
        .signal(eventSignal, event, user)
        .then(
          () => 1,
          (error) => {
            if (!(error instanceof WorkflowNotFoundError)) throw error;
            missed.push(id);
            return 0;
          },
        ),
    ),
  );
  // Only runs Temporal reports closed leave the index: one it does not know yet may be a start
  // in flight in another batch, written to the index and not yet accepted.
  const closed = indexed(flow) && missed.length > 0 ? await closedRuns(client, missed, false) : [];
  if (closed.length > 0) await profiles.changeRunningRuns(flow.flow, user, { remove: closed });
  return sent.reduce<number>((a, b) => a + b, 0);
}
