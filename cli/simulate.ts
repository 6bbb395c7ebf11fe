import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stepLabel } from '../dsl/language/describe.ts';
import { humanDuration } from '../dsl/language/durations.ts';
import { manualEvent } from '../dsl/language/event.ts';
import { irSteps, stepsById, type FlowIR, type StepOf } from '../dsl/language/ir.ts';
import type { CallContext, DestinationCall, DestinationClient } from '../destinations/types.ts';
import { startFlowRun } from '../ingest/start-run.ts';
import { FileProfileStore } from '../store/file-store.ts';
import { emptyProfile } from '../store/store.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import type { FlowRunResult } from '../workflows/input.ts';
import { eventSignal, stateQuery } from '../workflows/messages.ts';
import { verdictOf } from '../workflows/run-verdict.ts';
import { FORCE_NOTE, whyNotStarted } from './entry-check.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { loadHandRun, mergeProfile } from './project.ts';
import { timeSkippingEnvironment } from '../dev/test-environments.ts';

interface Attempt {
  destination: string;
  call: DestinationCall;
  at: number;
  error?: string;
}

/** Keeps every call a client is asked to make, and how it ended, then lets the real client make it. */
function observed(client: DestinationClient, attempts: Attempt[], clock: () => number): DestinationClient {
  return {
    name: client.name,
    type: client.type,
    async perform(call: DestinationCall, context: CallContext) {
      const attempt: Attempt = { destination: client.name, call, at: context.scheduledAt ?? clock() };
      attempts.push(attempt);
      try {
        return await client.perform(call, context);
      } catch (error) {
        attempt.error = (error as Error).message;
        throw error;
      }
    },
  };
}

/**
 * Runs a flow as production would, on the time-skipping test server: days of waiting pass in
 * seconds. First it says whether ingest would start the run at all (trigger, filter, status);
 * then the real destination clients run against the local fake servers, so a step fails exactly
 * where it would for real (no email identity, a missing template variable), and nothing leaves
 * the machine.
 */
export async function simulateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, COMMAND_WORDS.simulate.flags);
  if (positionals.length !== 1) throw new UsageError('give exactly one flow file');
  const hand = loadHandRun(io, positionals[0]!, values, (flow) => (flow.trigger.kind === 'event' ? flow.trigger.event : 'manual'));
  if (!hand) return EXIT.findings;
  const { project, flow: found, event: raw, seed } = hand;
  const user = values.user ?? 'simulated-user';
  const during = values['event-during'] === undefined ? undefined : parseEventDuring(values['event-during'], found);

  // Whether ingest would start the run is answered before any server starts.
  const seeded = emptyProfile(user);
  mergeProfile(seeded, seed);
  const checked = manualEvent(raw, 'simulated-event', Date.now());
  io.out(`simulating ${found.flow} (version ${found.version}) for user ${user} on ${raw.name}\n`);
  const refused = whyNotStarted(found, checked, seeded, checked.timestamp, project.config.timezone);
  if (refused && !values.force) {
    io.out(`\nwould not start: ${refused}\n(--force simulates it anyway)\n`);
    return EXIT.findings;
  }
  io.out(
    refused
      ? `${FORCE_NOTE}: ${refused}\n`
      : `would start: the trigger matches; entry rule reentry ${found.entry.reentry} (a first entry)\n`,
  );
  const flow = { ...found, status: 'active' as const };

  installRuntime('ERROR');
  const dir = mkdtempSync(join(tmpdir(), 'flows-simulate-'));
  const env = await timeSkippingEnvironment();
  try {
    const profiles = new FileProfileStore(dir);
    await profiles.update(user, (p) => mergeProfile(p, seed));
    const event = manualEvent(raw, 'simulated-event', await env.currentTimeMs());
    const clients = await destinationClients(project.config, { mode: 'fake' });
    const attempts: Attempt[] = [];
    const destinations = new Map([...clients.clients].map(([name, client]) => [name, observed(client, attempts, Date.now)]));
    const workers = await startWorkers({
      connection: env.nativeConnection,
      namespace: 'default',
      config: project.config,
      profiles,
      destinations,
    });
    let result: FlowRunResult | undefined;
    let failure: string | undefined;
    let startedAt = event.timestamp;
    let endedAt = startedAt;
    let deliveredAt: number | null = null;
    try {
      const outcome = await startFlowRun(
        { client: env.client, profiles, config: project.config, searchAttributes: false },
        flow,
        user,
        event,
      );
      if (!outcome.started) throw new Error(`not started: ${outcome.reason}`);
      const handle = env.client.workflow.getHandle(outcome.workflowId);
      if (during) deliveredAt = (await deliverDuring(env, handle, during, user)) ?? null;
      try {
        result = await handle.result();
      } catch (error) {
        failure = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
      }
      // The run's own start and close times are simulated time; the server's clock may run on past them.
      const described = await handle.describe();
      startedAt = described.startTime.getTime();
      endedAt = described.closeTime?.getTime() ?? startedAt;
    } finally {
      await workers.shutdown();
      await clients.close();
    }

    io.out(`\ncalls the run made (real clients, fake servers):\n`);
    if (attempts.length === 0) io.out('  (none)\n');
    for (const a of attempts) {
      const when = `+${humanDuration(a.at - startedAt)}`.padEnd(12);
      io.out(
        `  ${when} ${new Date(a.at).toISOString()}  ${a.call.kind} → ${a.destination}  ${a.error ? `FAILED: ${a.error}` : summary(a.call)}\n`,
      );
    }
    if (during)
      io.out(
        deliveredAt === null
          ? `\nnote: the run never waited at ${stepLabel(during.step)}, so ${during.raw.name} was not delivered (--event-during)\n`
          : `\n--event-during: delivered ${during.raw.name} at ${stepLabel(during.step)}, +${humanDuration(deliveredAt - startedAt)} into the run\n`,
      );
    const elapsed = humanDuration(endedAt - startedAt);
    const steps = stepsById(flow);
    const name = (id: string) => (steps.get(id) ? stepLabel(steps.get(id)!) : id);
    const drawn = (result?.path ?? []).some((id) => steps.get(id)?.kind === 'split');
    if (drawn) io.out(`\nnote: a split draws its branch at random per run; a real run may take another branch\n`);
    if (result) {
      io.out(`\npath: ${result.path.map(name).join(' → ')}\n`);
      const verdict = verdictOf('COMPLETED', result);
      io.out(`outcome: ${verdict.word}${verdict.reason ? ` (${verdict.reason})` : ''} after ${elapsed} of simulated time\n`);
      return EXIT.ok;
    }
    io.out(`\noutcome: failed after ${elapsed} of simulated time: ${failure}\n`);
    return EXIT.findings;
  } finally {
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}

function summary(call: DestinationCall): string {
  const { user: _user, kind: _kind, ...rest } = call;
  return JSON.stringify(rest);
}

interface EventDuring {
  step: StepOf<'wait_for'>;
  raw: { name: string; [key: string]: unknown };
}

/**
 * `--event-during STEP=JSON`: the wait_for step and the event to deliver while the run waits there,
 * checked before any server starts. JSON as `--event` takes it, or a bare event name.
 */
function parseEventDuring(text: string, flow: FlowIR): EventDuring {
  const waits = [...irSteps(flow.steps)].filter((s): s is StepOf<'wait_for'> => s.kind === 'wait_for');
  const choices = waits.length
    ? `its wait_for steps: ${waits.map((s) => `${s.id} (waits for ${s.event})`).join(', ')}`
    : 'it has no wait_for step';
  const eq = text.indexOf('=');
  if (eq < 1) throw new UsageError(`--event-during takes STEP=JSON, e.g. --event-during '${example(waits[0])}'; ${choices}`);
  const id = text.slice(0, eq).trim();
  const json = text.slice(eq + 1).trim();
  const step = stepsById(flow).get(id);
  if (!step) throw new UsageError(`--event-during: ${flow.flow} has no step '${id}'; ${choices}`);
  if (step.kind !== 'wait_for')
    throw new UsageError(
      `--event-during: step '${id}' is a ${step.kind}, not a wait_for; an event is delivered while a run waits; ${choices}`,
    );
  let raw: { name?: unknown; [key: string]: unknown };
  if (!json.startsWith('{')) raw = { name: json };
  else {
    try {
      raw = JSON.parse(json) as typeof raw;
    } catch (error) {
      throw new UsageError(`--event-during: the event after '${id}=' is not JSON (${(error as Error).message}); e.g. ${example(step)}`);
    }
  }
  if (typeof raw.name !== 'string' || raw.name === '')
    throw new UsageError(`--event-during: the event needs a "name"; e.g. ${example(step)}`);
  if (raw.name !== step.event)
    throw new UsageError(`--event-during: step '${id}' waits for ${step.event}, not ${raw.name}; give {"name":"${step.event}",…}`);
  return { step, raw: raw as EventDuring['raw'] };
}

const example = (step: StepOf<'wait_for'> | undefined): string =>
  `${step?.id ?? 'wait-for-app-open'}={"name":"${step?.event ?? 'app_open'}","attributes":{}}`;

/**
 * Lets simulated time pass only up to each wait of the run (time skipping is locked unless asked),
 * until the run waits at the step; then sends the event as ingest would. Answers the simulated time
 * it was delivered, or undefined when the run closed without waiting there (another branch).
 */
async function deliverDuring(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  during: EventDuring,
  user: string,
): Promise<number | undefined> {
  for (;;) {
    if ((await handle.describe()).status.name !== 'RUNNING') return undefined;
    const state = await handle.query(stateQuery).catch(() => undefined);
    const now = await env.currentTimeMs();
    if (state?.step === during.step.id && state.waiting?.kind === 'wait_for') {
      await handle.signal(eventSignal, manualEvent(during.raw, 'simulated-event-during', now), user);
      return now;
    }
    const until = state?.waiting ? Date.parse(state.waiting.until) : NaN;
    // Skip to the end of the run's current wait; between waits (a step under way) a moment of real time.
    if (until > now) await env.sleep(until - now);
    else if (state?.waiting) await env.sleep(1_000);
    else await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
