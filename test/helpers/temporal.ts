import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../dsl/load/config.ts';
import type { FlowsConfig } from '../../dsl/language/config.ts';
import { manualEvent, type FlowEvent } from '../../dsl/language/event.ts';
import type { FlowIR } from '../../dsl/language/ir.ts';
import { checkFlow } from '../../dsl/validate/validate.ts';
import { RecordingDestination, type RecordedCall } from '../../destinations/recording.ts';
import type { DestinationClient } from '../../destinations/types.ts';
import { startFlowRun, type StartOutcome } from '../../ingest/start-run.ts';
import { FileProfileStore } from '../../store/file-store.ts';
import type { StepLog } from '../../store/step-log.ts';
import type { ProfileStore } from '../../store/store.ts';
import type { Fake } from '../../destinations/fakes/server.ts';
import { destinationClients } from '../../worker/destination-clients.ts';
import { installRuntime } from '../../worker/runtime.ts';
import { startWorkers, type RunningWorkers } from '../../worker/start.ts';
import { devServerEnvironment, timeSkippingEnvironment } from '../../dev/test-environments.ts';

installRuntime('WARN');

export const repoConfig = (): FlowsConfig => loadConfig('flows.config.yaml').config;

/** Compiles flow text, failing the test with the diagnostics when it does not validate. */
export function compile(text: string, config = repoConfig()): FlowIR {
  const result = checkFlow('test-flow.yaml', text, config);
  if (!result.ir) throw new Error(`flow does not validate: ${JSON.stringify(result.diagnostics, null, 2)}`);
  return result.ir;
}

export interface Harness {
  env: TestWorkflowEnvironment;
  config: FlowsConfig;
  profiles: ProfileStore;
  workers: RunningWorkers;
  /** The clients the workers call, by destination name. */
  destinations: Map<string, DestinationClient>;
  /** With `destinations: 'record'` (the default): the recording destinations among them, for faults and calls. */
  recorders: Map<string, RecordingDestination>;
  /** With `destinations: 'fake'`: the fake server behind each destination. */
  fakes: Map<string, Fake>;
  /** Every destination call so far, in order. */
  calls(): RecordedCall[];
  start(flow: FlowIR, user: string, event: Partial<FlowEvent> & { name: string }): Promise<StartOutcome>;
  close(): Promise<void>;
}

let eventCounter = 0;

export interface HarnessOptions {
  /** `record` (default): recording destinations; `fake`: the HTTP clients against local fake servers. */
  destinations?: 'record' | 'fake';
  config?: FlowsConfig;
  profiles?: ProfileStore;
  /** Where the runs record step events (none by default). */
  stepLog?: StepLog;
}

/** A real Temporal server (time-skipping or dev), workers with recording or fake destinations, a scratch profile store. */
export async function harness(kind: 'time-skipping' | 'dev', options: HarnessOptions = {}): Promise<Harness> {
  const env = kind === 'time-skipping' ? await timeSkippingEnvironment() : await devServerEnvironment();
  const config = options.config ?? repoConfig();
  const profiles = options.profiles ?? new FileProfileStore(mkdtempSync(join(tmpdir(), 'flowline-profiles-')));
  const clients = await destinationClients(config, { mode: options.destinations ?? 'record' });
  const destinations = clients.clients;
  const recorders = new Map([...destinations].flatMap(([name, d]) => (d instanceof RecordingDestination ? [[name, d] as const] : [])));
  const stepLog = options.stepLog ? { stepLog: options.stepLog } : {};
  const workers = await startWorkers({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    config,
    profiles,
    destinations,
    ...stepLog,
  });
  return {
    env,
    config,
    profiles,
    workers,
    destinations,
    recorders,
    fakes: clients.fakes,
    calls: () => [...recorders.values()].flatMap((d) => d.calls).sort((a, b) => a.at.localeCompare(b.at)),
    start: (flow, user, event) =>
      startFlowRun(
        { client: env.client, profiles, config, searchAttributes: kind === 'dev', ...stepLog },
        flow,
        user,
        manualEvent(event, `evt-${++eventCounter}`, Date.now()),
      ),
    async close() {
      await workers.shutdown();
      await clients.close();
      await env.teardown();
    },
  };
}
