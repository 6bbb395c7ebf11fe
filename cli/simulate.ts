import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { humanDuration } from '../dsl/durations.ts';
import { manualEvent } from '../dsl/event.ts';
import type { RecordingDestination } from '../destinations/recording.ts';
import type { DestinationCall } from '../destinations/types.ts';
import { startFlowRun } from '../ingest/start-run.ts';
import { FileProfileStore } from '../profiles/file-store.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import type { FlowRunResult } from '../workflows/input.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { findFlow, loadProject, mergeProfile, parseEventArg, parseProfileArg, type ProfileSeed } from './project.ts';
import { timeSkippingEnvironment } from '../dev/test-environments.ts';

export const SIMULATE_USAGE = 'flows simulate FILE [--event JSON] [--user ID] [--profile JSON] [--config FILE]';

/**
 * Runs a flow on the time-skipping test server with recording destinations: days of waiting
 * pass in seconds, nothing leaves the machine, and every call is printed with its simulated time.
 */
export async function simulateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    event: { type: 'string' },
    user: { type: 'string' },
    profile: { type: 'string' },
    config: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one flow file');
  const project = loadProject(io, { paths: positionals, ...(values.config ? { config: values.config } : {}) });
  if (!project) return EXIT.findings;
  const flow = { ...findFlow(project, positionals[0]!, io)!, status: 'active' as const };
  let raw;
  let seed: ProfileSeed = {};
  try {
    raw = parseEventArg(values.event, flow.trigger.kind === 'event' ? flow.trigger.event : 'manual');
    if (values.profile) seed = parseProfileArg(values.profile);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const user = values.user ?? 'simulated-user';

  installRuntime('ERROR');
  const dir = mkdtempSync(join(tmpdir(), 'flows-simulate-'));
  const env = await timeSkippingEnvironment();
  try {
    const profiles = new FileProfileStore(dir);
    await profiles.update(user, (p) => mergeProfile(p, seed));
    const destinations = (await destinationClients(project.config, { mode: 'record' })).clients as Map<string, RecordingDestination>;
    const workers = await startWorkers({ connection: env.nativeConnection, namespace: 'default', config: project.config, profiles, destinations });
    const outcome = await startFlowRun(
      { client: env.client, profiles, config: project.config, searchAttributes: false },
      flow,
      user,
      manualEvent(raw, 'simulated-event', await env.currentTimeMs()),
    );
    if (!outcome.started) throw new Error(`not started: ${outcome.reason}`);
    const handle = env.client.workflow.getHandle(outcome.workflowId);
    let result: FlowRunResult | undefined;
    let failure: string | undefined;
    try {
      result = await handle.result();
    } catch (error) {
      failure = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    }
    // The run's own start and close times are simulated time; the server's clock may run on past them.
    const described = await handle.describe();
    const startedAt = described.startTime.getTime();
    const endedAt = described.closeTime?.getTime() ?? startedAt;
    await workers.shutdown();

    io.out(`simulated ${flow.flow} (version ${flow.version}) for user ${user} on ${raw.name}\n\ncalls that would have been made:\n`);
    const calls = [...destinations.values()].flatMap((d) => d.calls).sort((a, b) => a.at.localeCompare(b.at));
    if (calls.length === 0) io.out('  (none)\n');
    for (const c of calls) {
      io.out(`  ${`+${humanDuration(Date.parse(c.at) - startedAt)}`.padEnd(12)} ${c.at}  ${c.call.kind} → ${c.destination}  ${summary(c.call)}\n`);
    }
    const elapsed = humanDuration(endedAt - startedAt);
    if (result) {
      io.out(`\npath: ${result.path.join(' → ')}\n`);
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
