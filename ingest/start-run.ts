import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { FlowsConfig } from '../dsl/language/config.ts';
import type { FlowEvent } from '../dsl/language/event.ts';
import type { FlowIR } from '../dsl/language/ir.ts';
import { flowPhase } from '../dsl/language/lifecycle.ts';
import { routesFor } from '../workflows/routes.ts';
import { FLOW_STEP as FLOW_STEP_EVENT, type StepLog } from '../store/step-log.ts';
import { stepEventId } from '../store/step-rollup.ts';
import type { Reservation } from '../store/entry-records.ts';
import type { ProfileStore } from '../store/store.ts';
import { workflowId, type FlowRunInput } from '../workflows/input.ts';
import { FLOW_ID, FLOW_STEP, FLOW_VERSION, USER_ID } from '../workflows/search-attributes.ts';
import { FLOW_TASK_QUEUE } from '../workflows/task-queues.ts';
import type { EntryRefusal } from './not-started.ts';
import { indexed, indexRun } from './running-runs.ts';
import { winnersFor } from './winners.ts';

export interface StartDeps {
  client: Client;
  profiles: ProfileStore;
  config: FlowsConfig;
  /** Off on servers without Flowline's search attributes (the time-skipping test server). */
  searchAttributes?: boolean;
  now?: () => number;
  /** Remembers each version's IR when its first run starts (the studio draws old versions from it). */
  stepLog?: StepLog;
}

export type StartOutcome =
  { started: true; workflowId: string; runId: string } | { started: false; reason: EntryRefusal; workflowId: string };

/**
 * Starts a run of a flow for a user under the flow's entry rules:
 * - `never`: at most one run ever. Temporal rejects a reused id while it remembers the closed
 *   run; the profile store remembers it after Temporal's retention has passed.
 * - `after_exit`: one run at a time; a trigger while one runs starts nothing.
 * - `always`: one run per event; the event id in the workflow id makes a redelivery a no-op.
 * - `frequency`: at most `max` entries per user within `per`, from the store's entry record.
 * `never` and `frequency` entries are reserved in the profile store before the start (atomic
 * per flow and user, across processes), confirmed after it, released when no run started.
 * Only active flows start runs, within their active window (dsl/language/lifecycle.ts): paused, draft,
 * finishing and stopped flows start nothing, nor a flow before its window opens or after it closes. Runs of `reentry: always` flows that listen to events go
 * into the user's index of running runs first (ingest/running-runs.ts).
 */
export async function startFlowRun(deps: StartDeps, flow: FlowIR, userId: string, event: FlowEvent): Promise<StartOutcome> {
  const { reentry, frequency } = flow.entry;
  const id = workflowId(flow.flow, userId, reentry === 'always' ? event.id : undefined);
  const skip = (reason: EntryRefusal): StartOutcome => ({ started: false, reason, workflowId: id });
  const now = (deps.now ?? Date.now)();
  const phase = flowPhase(flow, deps.config.timezone, now);
  if (phase !== 'active') return skip(phase);
  // never and frequency are checked and recorded in one atomic step before the start, so two
  // simultaneous triggers cannot both pass; the reservation is given back if no run started.
  const guarded = reentry === 'never' || frequency !== undefined;
  let reservation: Reservation | undefined;
  if (guarded) {
    reservation = await deps.profiles.reserveEntry(flow.flow, userId, { at: now, eventId: event.id }, flow.entry);
    if (reservation === 'already-entered' || reservation === 'frequency-cap') return skip(reservation);
    if (reservation === 'entered') return skip(reentry === 'never' ? 'already-entered' : 'duplicate-event');
  }

  // Written before the start, so an event that arrives right after it finds the run (a start that
  // then fails leaves an id that signals skip, and its retry starts that very run).
  if (indexed(flow)) await indexRun(deps.client, deps.profiles, flow, userId, id);
  const winners = deps.stepLog ? await winnersFor(deps.stepLog, flow, now) : {};
  const input = runInput(deps.config, flow, userId, event, now, winners);
  let handle;
  try {
    handle = await deps.client.workflow.start('flowRun', startOptions(flow, input, id, deps.searchAttributes !== false));
  } catch (error) {
    const duplicate = error instanceof WorkflowExecutionAlreadyStartedError;
    if (!duplicate) {
      // Temporal did not take the start (unavailable, overloaded): the batch is answered "retry",
      // so give the reservation back. A release that fails leaves it pending, and the retry of
      // this event finds it `held` and goes on.
      const warn = (e: Error) => console.warn(`entry reservation of ${flow.flow} not released: ${e.message}`);
      if (guarded) await deps.profiles.releaseEntry(flow.flow, userId, event.id).catch(warn);
      throw error;
    }
    // Refused as a duplicate, the existing run is this user's entry (never) or this event's run
    // (always): keep it recorded. Under after_exit another event's run is running: a fresh
    // reservation goes back.
    if (guarded && reentry === 'after_exit' && reservation === 'reserved') await deps.profiles.releaseEntry(flow.flow, userId, event.id);
    else if (guarded) await deps.profiles.confirmEntry(flow.flow, userId, event.id);
    return skip(reentry === 'never' ? 'already-entered' : reentry === 'always' ? 'duplicate-event' : 'already-running');
  }
  if (guarded) await deps.profiles.confirmEntry(flow.flow, userId, event.id);
  // The log remembers versions it has seen (a Set lookup after the first): cheap on every start.
  await deps.stepLog
    ?.recordVersion(flow, now)
    .catch((e: Error) => console.warn(`flow version ${flow.version} of ${flow.flow} not recorded: ${e.message}`));
  // A conversion may arrive before the run's first task records its entry: record it now, as
  // the run will (same id and time, so it counts once). Only flows with goals need it.
  if (flow.goals && deps.stepLog) {
    const entered = { workflowId: id, runId: handle.firstExecutionRunId, step: FLOW_STEP_EVENT, outcome: 'entered' as const };
    await deps.stepLog
      .record([{ id: stepEventId(entered), ...entered, flowId: flow.flow, version: flow.version, userId, at: now }])
      .catch((e: Error) => console.warn(`entry of a run of ${flow.flow} not recorded ahead of the run: ${e.message}`));
  }
  return { started: true, workflowId: id, runId: handle.firstExecutionRunId };
}

/**
 * How a run is started (task queue, id policy, what Temporal Web shows, the search attributes
 * operators filter on): one definition, so that the ingest benchmark's plain-client ceiling
 * makes the very start ingest makes.
 */
export function startOptions(flow: FlowIR, input: FlowRunInput, id: string, searchAttributes: boolean) {
  const { reentry, frequency } = flow.entry;
  const { userId, event } = input;
  const winners = input.winners ?? {};
  return {
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
      ...Object.entries(winners).map(([split, branch]) => `Split \`${split}\`: experiment decided, new runs go to \`${branch}\``),
    ].join('\n\n'),
    ...(!searchAttributes
      ? {}
      : {
          typedSearchAttributes: [
            { key: FLOW_ID, value: flow.flow },
            { key: FLOW_VERSION, value: flow.version },
            { key: USER_ID, value: userId },
            { key: FLOW_STEP, value: 'start' },
          ],
        }),
  };
}

/** A new run's input: what it runs and the interpreter's current behaviour flags (workflows/input.ts). */
export function runInput(
  config: FlowsConfig,
  flow: FlowIR,
  userId: string,
  event: FlowEvent,
  now: number,
  winners: Record<string, string> = {},
): FlowRunInput {
  return {
    flow,
    userId,
    event,
    destinations: routesFor(config),
    timezone: config.timezone,
    stepEvents: true,
    searchWaitsOnly: true,
    recordAhead: true,
    lightWaits: true,
    earlyEvents: true,
    enteredAt: now,
    ...(Object.keys(winners).length ? { winners } : {}),
    ...(config.guardrails ? { guardrails: config.guardrails } : {}),
  };
}
