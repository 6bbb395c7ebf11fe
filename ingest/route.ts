import type { Client } from '@temporalio/client';
import type { FlowsConfig } from '../dsl/language/config.ts';
import { triggerTakes, type FlowEvent } from '../dsl/language/event.ts';
import type { FlowIR } from '../dsl/language/ir.ts';
import { flowPhase } from '../dsl/language/lifecycle.ts';
import type { StepLog } from '../store/step-log.ts';
import type { ProfileStore } from '../store/store.ts';
import { resolveUser } from './identity.ts';
import { recordConversions } from './conversions.ts';
import { attributeChangeMatters, listensTo } from './listens.ts';
import type { NormalizedBatch } from './normalize.ts';
import { updateProfile } from './profile-update.ts';
import { signalRuns } from './running-runs.ts';
import type { EventNotStarted, NotStarted } from './not-started.ts';
import { startFlowRun } from './start-run.ts';

export interface RouteDeps {
  client: Client;
  profiles: ProfileStore;
  config: FlowsConfig;
  /** The flows as loaded now (reloaded on change). */
  flows: () => readonly FlowIR[];
  identityPriority?: readonly string[];
  searchAttributes?: boolean;
  now?: () => number;
  /** Where started runs' flow versions are remembered, so the studio can draw old versions. */
  stepLog?: StepLog;
}

export interface BatchOutcome {
  user?: string;
  anonymous: boolean;
  duplicate: boolean;
  started: number;
  signalled: number;
  /** Runs credited with a goal's conversion (run × goal), counted again on a redelivery. */
  converted: number;
  notStarted: Partial<Record<NotStarted, number>>;
  /** Why, per event and flow (ingest/not-started.ts): each refused start, and each event no flow starts on or waits for. */
  notStartedEvents: EventNotStarted[];
  ignored: number;
}

/** One Temporal call a batch causes: a signal to a flow's runs, or a start of it. */
interface Call {
  kind: 'signal' | 'start';
  event: FlowEvent;
  /** The event's position in the batch, to list not-started reasons in event order. */
  at: number;
}

/**
 * A flow's calls in event order, as groups of one kind that may go out together: starts do not
 * depend on one another, nor signals, but a signal must follow the starts before it (it must
 * reach their runs) and precede those after it.
 */
function groups(calls: Call[]): Call[][] {
  const out: Call[][] = [];
  for (const call of calls) {
    const last = out.at(-1);
    if (last && last[0]!.kind === call.kind) last.push(call);
    else out.push([call]);
  }
  return out;
}

/** The key that remembers an `after_exit` start was made: the one entry rule Temporal ids and entry records do not make idempotent. */
const startKey = (flow: string, user: string, event: FlowEvent) => `start:${flow}:${user}:${event.id}`;
const rememberedStart = (flow: FlowIR) => flow.entry.reentry === 'after_exit' && flow.entry.frequency === undefined;

/**
 * One batch: update the profile, signal the runs that wait for its events, start the flows its
 * events trigger. Throws when Temporal does not accept a start or signal, so the caller can
 * answer "retry"; a retry does nothing twice:
 * - starts are idempotent per event: `always` runs by workflow id, `never` and `frequency` by
 *   their entry record, `after_exit` by a `start:` record written once Temporal took the start;
 * - signals are de-duplicated by the run (event ids);
 * - conversions credited to runs (goals) have deterministic step-log ids;
 * - attribute changes found by comparing with the profile are kept with the batch's pending
 *   record (ingest/profile-update.ts), so the retry sees them again.
 * Events that start and signal nothing cost no store write of their own: the store is read for
 * the batch record and the profile, written only when the profile changes, and once at the end.
 * Different flows' calls go out together; one flow's in event order (see groups).
 */
export async function routeBatch(deps: RouteDeps, batch: NormalizedBatch): Promise<BatchOutcome> {
  const outcome: BatchOutcome = {
    anonymous: false,
    duplicate: false,
    started: 0,
    signalled: 0,
    converted: 0,
    notStarted: {},
    notStartedEvents: [],
    ignored: batch.ignored,
  };
  const user = resolveUser(batch.identities, deps.identityPriority);
  if (!user) return { ...outcome, anonymous: true };
  outcome.user = user;
  const batchKey = `batch:${batch.batchId}`;
  // Both reads at once: one round trip to the store for the common case.
  const [duplicate, stored] = await Promise.all([deps.profiles.seen(batchKey), deps.profiles.get(user)]);
  if (duplicate) return { ...outcome, duplicate: true };

  const now = (deps.now ?? Date.now)();
  const flows = deps.flows();
  const matters = (name: string) => attributeChangeMatters(flows, name);
  const { profile, changes } = await updateProfile(deps.profiles, user, batch, batchKey, now, matters, stored);
  const events = [...batch.events, ...changes];

  const refusals: Array<EventNotStarted & { at: number }> = [];
  const refuse = (at: number, event: FlowEvent, reason: NotStarted, flow?: FlowIR) => {
    outcome.notStarted[reason] = (outcome.notStarted[reason] ?? 0) + 1;
    refusals.push({ at, event: event.name, ...(flow ? { flow: flow.flow } : {}), reason });
  };
  const calls = new Map<FlowIR, Call[]>();
  events.forEach((event, at) => {
    let reached = false;
    for (const flow of flows) {
      const planned: Call[] = [];
      if (listensTo(flow).has(event.name)) planned.push({ kind: 'signal', event, at });
      const takes = triggerTakes(flow.trigger, event, { profile, vars: {} }, now);
      if (takes === 'yes') planned.push({ kind: 'start', event, at });
      else if (takes === 'filter') {
        // A paused or draft flow is named so before its filter, as `flows run` does.
        const phase = flowPhase(flow, deps.config.timezone, now);
        refuse(at, event, phase === 'active' ? 'filter' : phase, flow);
      }
      if (planned.length) calls.set(flow, [...(calls.get(flow) ?? []), ...planned]);
      reached ||= takes !== 'other-event' || planned.length > 0 || (flow.goals ?? []).some((g) => g.event === event.name);
    }
    if (!reached) refuse(at, event, 'no-flow');
  });
  // after_exit starts a first attempt already made (the run may have ended since).
  const remembered = [...calls].flatMap(([flow, list]) =>
    rememberedStart(flow) ? list.filter((c) => c.kind === 'start').map((c) => startKey(flow.flow, user, c.event)) : [],
  );
  const made = await deps.profiles.seenAmong(remembered);

  const startDeps = {
    client: deps.client,
    profiles: deps.profiles,
    config: deps.config,
    searchAttributes: deps.searchAttributes,
    stepLog: deps.stepLog,
    now: () => now,
  };
  const newlyMade: string[] = [];
  const call = async (flow: FlowIR, c: Call): Promise<void> => {
    if (c.kind === 'signal') {
      // Awaited first, then added: `outcome.signalled += await …` reads the count before the
      // await, so two flows signalled at once would each write back their own stale sum.
      const signalled = await signalRuns(deps.client, deps.profiles, flow, user, c.event);
      outcome.signalled += signalled;
      return;
    }
    const key = startKey(flow.flow, user, c.event);
    if (made.has(key)) return;
    const started = await startFlowRun(startDeps, flow, user, c.event);
    if (rememberedStart(flow)) newlyMade.push(key);
    if (started.started) outcome.started++;
    else refuse(c.at, c.event, started.reason, flow);
  };
  const credit = async () => {
    if (deps.stepLog) outcome.converted = await recordConversions(deps.stepLog, flows, user, events, profile, now);
  };
  const results = await Promise.allSettled([
    credit(),
    ...[...calls].map(async ([flow, list]) => {
      for (const group of groups(list)) {
        const settled = await Promise.allSettled(group.map((c) => call(flow, c)));
        const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason; // the later groups of this flow wait for the retry
      }
    }),
  ]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Remember what was made before answering "retry", so the retry does not make it again.
    if (newlyMade.length) await deps.profiles.markSeen(newlyMade);
    throw failed.reason;
  }
  await deps.profiles.markSeen([batchKey, ...newlyMade]);
  if (changes.length) await deps.profiles.savePendingBatch(batchKey, undefined);
  // Starts answer in any order: list the reasons in event order, then by flow.
  refusals.sort((a, b) => a.at - b.at || (a.flow ?? '').localeCompare(b.flow ?? ''));
  outcome.notStartedEvents = refusals.map(({ at: _at, ...why }) => why);
  return outcome;
}
