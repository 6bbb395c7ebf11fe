import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stepLabel } from '../dsl/language/describe.ts';
import { humanDuration } from '../dsl/language/durations.ts';
import { manualEvent } from '../dsl/language/event.ts';
import { stepsById } from '../dsl/language/ir.ts';
import type { CallContext, DestinationCall, DestinationClient } from '../destinations/types.ts';
import { startFlowRun } from '../ingest/start-run.ts';
import { FileProfileStore } from '../store/file-store.ts';
import { emptyProfile } from '../store/store.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import type { FlowRunResult } from '../workflows/input.ts';
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
    try {
      const outcome = await startFlowRun(
        { client: env.client, profiles, config: project.config, searchAttributes: false },
        flow,
        user,
        event,
      );
      if (!outcome.started) throw new Error(`not started: ${outcome.reason}`);
      const handle = env.client.workflow.getHandle(outcome.workflowId);
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
    const elapsed = humanDuration(endedAt - startedAt);
    const steps = stepsById(flow);
    const name = (id: string) => (steps.get(id) ? stepLabel(steps.get(id)!) : id);
    const drawn = (result?.path ?? []).some((id) => steps.get(id)?.kind === 'split');
    if (drawn) io.out(`\nnote: a split draws its branch at random per run; a real run may take another branch\n`);
    if (result) {
      io.out(`\npath: ${result.path.map(name).join(' → ')}\n`);
      io.out(`outcome: ${result.outcome}${result.exitReason ? ` (${result.exitReason})` : ''} after ${elapsed} of simulated time\n`);
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
