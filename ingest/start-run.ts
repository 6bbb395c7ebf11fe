import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { FlowsConfig } from '../dsl/config.ts';
import type { FlowEvent } from '../dsl/event.ts';
import type { FlowIR } from '../dsl/ir.ts';
import { routesFor } from '../destinations/routes.ts';
import type { ProfileStore } from '../profiles/store.ts';
import { workflowId, type FlowRunInput } from '../workflows/input.ts';
import { FLOW_ID, FLOW_STEP, FLOW_VERSION, USER_ID } from '../workflows/search-attributes.ts';
import { FLOW_TASK_QUEUE } from '../workflows/task-queues.ts';

export interface StartDeps {
  client: Client;
  profiles: ProfileStore;
  config: FlowsConfig;
  /** Off on servers without Flowline's search attributes (the time-skipping test server). */
  searchAttributes?: boolean;
  now?: () => number;
}

export type NotStarted = 'paused' | 'draft' | 'already-entered' | 'already-running' | 'duplicate-event' | 'frequency-cap';

export type StartOutcome = { started: true; workflowId: string; runId: string } | { started: false; reason: NotStarted; workflowId: string };

/**
 * Starts a run of a flow for a user under the flow's entry rules:
 * - `never`: at most one run ever. Temporal rejects a reused id while it remembers the closed
 *   run; the profile store remembers it after Temporal's retention has passed.
 * - `after_exit`: one run at a time; a trigger while one runs starts nothing.
 * - `always`: one run per event; the event id in the workflow id makes a redelivery a no-op.
 * - `frequency`: at most `max` entries per user within `per`, from the store's entry record.
 * Paused and draft flows start nothing.
 */
export async function startFlowRun(deps: StartDeps, flow: FlowIR, userId: string, event: FlowEvent): Promise<StartOutcome> {
  const { reentry, frequency } = flow.entry;
  const id = workflowId(flow.flow, userId, reentry === 'always' ? event.id : undefined);
  const skip = (reason: NotStarted): StartOutcome => ({ started: false, reason, workflowId: id });
  if (flow.status !== 'active') return skip(flow.status);

  const now = (deps.now ?? Date.now)();
  if (reentry === 'never' || frequency) {
    const entries = await deps.profiles.entries(flow.flow, userId);
    if (reentry === 'never' && entries.length > 0) return skip('already-entered');
    if (frequency && entries.filter((t) => t > now - frequency.perMs).length >= frequency.max) return skip('frequency-cap');
  }

  const input: FlowRunInput = { flow, userId, event, destinations: routesFor(deps.config), timezone: deps.config.timezone };
  try {
    const handle = await deps.client.workflow.start('flowRun', {
      taskQueue: FLOW_TASK_QUEUE,
      workflowId: id,
      args: [input],
      workflowIdReusePolicy: reentry === 'after_exit' ? WorkflowIdReusePolicy.ALLOW_DUPLICATE : WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      staticSummary: `${flow.flow} · user ${userId}`.slice(0, 200),
      staticDetails: [
        `**${flow.name}** (\`${flow.flow}\`, version \`${flow.version}\`, from \`${flow.source}\`)`,
        `User \`${userId}\`, entered on \`${event.name}\` (event \`${event.id}\`) at ${new Date(event.timestamp).toISOString()}`,
        `Entry: reentry \`${reentry}\`${frequency ? `, at most ${frequency.max} per ${frequency.perMs / 1000}s` : ''}`,
      ].join('\n\n'),
      ...(deps.searchAttributes === false
        ? {}
        : {
            typedSearchAttributes: [
              { key: FLOW_ID, value: flow.flow },
              { key: FLOW_VERSION, value: flow.version },
              { key: USER_ID, value: userId },
              { key: FLOW_STEP, value: 'start' },
            ],
          }),
    });
    if (reentry === 'never' || frequency) await deps.profiles.recordEntry(flow.flow, userId, now);
    return { started: true, workflowId: id, runId: handle.firstExecutionRunId };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return skip(reentry === 'never' ? 'already-entered' : reentry === 'always' ? 'duplicate-event' : 'already-running');
  }
}
