import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import { dataConverter } from '../codec/data-converter.ts';
import type { FlowsConfig } from '../dsl/config.ts';
import { parseRateLimit } from '../dsl/durations.ts';
import type { DestinationClient } from '../destinations/types.ts';
import type { StepLog } from '../profiles/step-log.ts';
import type { ProfileStore } from '../profiles/store.ts';
import { destinationTaskQueue, FLOW_TASK_QUEUE } from '../workflows/task-queues.ts';

/**
 * Limits a destination type has unless its config says otherwise: MoEngage's integration page
 * states 15,000 requests a minute (excess is dropped); CleverTap allows 15 uploads in flight.
 */
export const TYPE_DEFAULTS: Record<string, { rate_limit?: string; concurrency?: number }> = {
  moengage: { rate_limit: '15000/min' },
  clevertap: { concurrency: 15 },
};

// The sources bundle workflows/index.ts; the shipped CLI (dist/) bundles its compiled index.js beside it.
const OWN_EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
export const WORKFLOWS_PATH = fileURLToPath(new URL(`../workflows/index${OWN_EXTENSION}`, import.meta.url));
const PRELOAD_PATH = fileURLToPath(new URL(`../workflows/preload${OWN_EXTENSION}`, import.meta.url));

const bundled = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/**
 * The interpreter bundled once per process (and failure converter: an encrypting one must run in
 * the workflow sandbox too): every worker of the process shares it.
 */
export function workflowBundle(failureConverterPath?: string): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundled.get(failureConverterPath ?? '');
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      logger: quietBundlerLogger,
      // Pure libraries whose module scope every run would otherwise evaluate again (the reusable
      // context gives each run its own module cache): see workflows/preload.ts.
      preloadModules: [PRELOAD_PATH],
      // luxon and re2js declare no side effects, so webpack would drop imports whose bindings are
      // unused, which the preload's are: the preload then evaluated nothing. Keep every import.
      webpackConfigHook: (config) => ({ ...config, optimization: { ...config.optimization, sideEffects: false } }),
      ...(failureConverterPath ? { failureConverterPath } : {}),
    });
    bundled.set(failureConverterPath ?? '', bundle);
  }
  return bundle;
}

const quietBundlerLogger = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  config: FlowsConfig;
  profiles: ProfileStore;
  destinations: ReadonlyMap<string, DestinationClient>;
  /** Where runs record step events (the studio's numbers); without it, runs record none. */
  stepLog?: StepLog;
  /** Payload encryption; by default from FLOWLINE_PAYLOAD_KEY. */
  dataConverter?: ReturnType<typeof dataConverter>;
}

export interface RunningWorkers {
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
  queues: string[];
}

/**
 * The interpreter's worker on the flow queue, and one worker per destination queue with that
 * destination's rate limit (enforced by the server across every worker of the queue) and
 * concurrency limit.
 */
export async function startWorkers(options: WorkerOptions): Promise<RunningWorkers> {
  const activities = createActivities({
    profiles: options.profiles,
    destinations: options.destinations,
    stepLog: options.stepLog,
  });
  const converter = options.dataConverter ?? dataConverter();
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    activities,
    ...(converter ? { dataConverter: converter } : {}),
  };
  const workers: Worker[] = [
    await Worker.create({ ...common, taskQueue: FLOW_TASK_QUEUE, workflowBundle: await workflowBundle(converter?.failureConverterPath) }),
  ];
  for (const name of options.destinations.keys()) {
    const configured = options.config.destinations.get(name) as { type?: string; rate_limit?: string; concurrency?: number } | undefined;
    const settings = { ...TYPE_DEFAULTS[configured?.type ?? ''], ...configured };
    const perSecond = settings.rate_limit ? parseRateLimit(settings.rate_limit) : undefined;
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: destinationTaskQueue(name),
        ...(perSecond ? { maxTaskQueueActivitiesPerSecond: perSecond } : {}),
        ...(settings.concurrency ? { maxConcurrentActivityTaskExecutions: settings.concurrency } : {}),
      }),
    );
  }
  const done = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  return {
    done,
    queues: workers.map((w) => w.options.taskQueue),
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
