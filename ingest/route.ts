import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FlowsConfig } from '../dsl/config.ts';
import { matchesTrigger, type FlowEvent } from '../dsl/event.ts';
import type { FlowIR, StepIR } from '../dsl/ir.ts';
import type { Profile, ProfileStore } from '../profiles/store.ts';
import { workflowId } from '../workflows/input.ts';
import { eventSignal } from '../workflows/messages.ts';
import { FLOW_ID, USER_ID } from '../workflows/search-attributes.ts';
import { resolveUser } from './identity.ts';
import type { NormalizedBatch } from './normalize.ts';
import { runningRunsQuery } from './visibility.ts';
import { startFlowRun, type NotStarted } from './start-run.ts';

export interface RouteDeps {
  client: Client;
  profiles: ProfileStore;
  config: FlowsConfig;
  /** The flows as loaded now (reloaded on change). */
  flows: () => readonly FlowIR[];
  identityPriority?: readonly string[];
  searchAttributes?: boolean;
  now?: () => number;
}

export interface BatchOutcome {
  user?: string;
  anonymous: boolean;
  duplicate: boolean;
  started: number;
  signalled: number;
  notStarted: Partial<Record<NotStarted, number>>;
  ignored: number;
}

/** Event names a flow's running runs listen to: its exit_when entries and its wait_for steps. */
const listened = new WeakMap<FlowIR, Set<string>>();
function listensTo(flow: FlowIR): Set<string> {
  let names = listened.get(flow);
  if (!names) {
    names = new Set(flow.exitWhen.map((e) => e.event));
    const visit = (steps: StepIR[]) => {
      for (const s of steps) {
        if (s.kind === 'wait_for') names!.add(s.event);
        if (s.kind === 'check' || s.kind === 'wait_for') visit([...s.then, ...s.else]);
        if (s.kind === 'split') s.branches.forEach((b) => visit(b.steps));
      }
    };
    visit(flow.steps);
    listened.set(flow, names);
  }
  return names;
}

/** Attribute changes seen by comparing a batch's user_attributes with the profile before it. */
function attributeChanges(before: Profile, batch: NormalizedBatch, now: number): FlowEvent[] {
  const explicit = new Set(batch.events.filter((e) => e.name === 'user_attribute_change').map((e) => e.attribute_name));
  const changes: FlowEvent[] = [];
  for (const [name, value] of Object.entries(batch.attributes)) {
    if (explicit.has(name) || JSON.stringify(before.attributes[name]) === JSON.stringify(value)) continue;
    changes.push({ id: `${batch.batchId}:attr:${name}`, name: 'user_attribute_change', type: 'user_attribute_change', timestamp: now, attributes: {}, attribute_name: name, new: value, old: before.attributes[name] });
  }
  return changes;
}

/**
 * One batch: update the profile, signal the runs that wait for its events, start the flows its
 * events trigger. Throws when Temporal does not accept a start or signal, so the caller can
 * answer "retry". Each event is marked as handled as soon as its starts and signals were
 * accepted, so a retry after a failure on a later event never starts or signals it twice; the
 * batch is marked once all its events are.
 */
export async function routeBatch(deps: RouteDeps, batch: NormalizedBatch): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { anonymous: false, duplicate: false, started: 0, signalled: 0, notStarted: {}, ignored: batch.ignored };
  const user = resolveUser(batch.identities, deps.identityPriority);
  if (!user) return { ...outcome, anonymous: true };
  outcome.user = user;
  const batchKey = `batch:${batch.batchId}`;
  if (await deps.profiles.seen(batchKey)) return { ...outcome, duplicate: true };

  const now = (deps.now ?? Date.now)();
  let before: Profile | undefined;
  const profile = await deps.profiles.update(user, (p) => {
    before = structuredClone(p);
    Object.assign(p.identities, batch.identities);
    Object.assign(p.attributes, batch.attributes);
    for (const name of batch.deletedAttributes) delete p.attributes[name];
    for (const e of batch.events) {
      if (e.name === 'audience_added' && e.audience_name && !p.audiences.includes(e.audience_name)) p.audiences.push(e.audience_name);
      if (e.name === 'audience_removed') p.audiences = p.audiences.filter((a) => a !== e.audience_name);
    }
  });
  const events = [...batch.events, ...attributeChanges(before!, batch, now)];
  const flows = deps.flows();
  for (const event of events) {
    const eventKey = `event:${user}:${event.id}`;
    if (await deps.profiles.seen(eventKey)) continue;
    for (const flow of flows) {
      if (listensTo(flow).has(event.name)) outcome.signalled += await signalRuns(deps, flow, user, event);
      if (!matchesTrigger(flow.trigger, event, { profile, vars: {} }, now)) continue;
      const started = await startFlowRun({ client: deps.client, profiles: deps.profiles, config: deps.config, ...(deps.searchAttributes === false ? { searchAttributes: false } : {}), now: () => now }, flow, user, event);
      if (started.started) outcome.started++;
      else outcome.notStarted[started.reason] = (outcome.notStarted[started.reason] ?? 0) + 1;
    }
    await deps.profiles.markSeen([eventKey]);
  }
  await deps.profiles.markSeen([batchKey]);
  return outcome;
}

/**
 * Signals the user's running runs of a flow; a run that has ended is not an error. The runs
 * found by the visibility query are checked against the user again, and the signal names the
 * user, so the run itself ignores an event for anyone else.
 */
async function signalRuns(deps: RouteDeps, flow: FlowIR, user: string, event: FlowEvent): Promise<number> {
  const ids: string[] = [];
  if (flow.entry.reentry === 'always') {
    for await (const run of deps.client.workflow.list({ query: runningRunsQuery(flow.flow, user) })) {
      if (run.typedSearchAttributes.get(USER_ID) === user && run.typedSearchAttributes.get(FLOW_ID) === flow.flow) ids.push(run.workflowId);
    }
  } else ids.push(workflowId(flow.flow, user));
  let signalled = 0;
  for (const id of ids) {
    try {
      await deps.client.workflow.getHandle(id).signal(eventSignal, event, user);
      signalled++;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  return signalled;
}
