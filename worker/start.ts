import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import { dataConverter } from '../codec/data-converter.ts';
import type { FlowsConfig } from '../dsl/language/config.ts';
import { TYPE_DEFAULTS } from '../dsl/language/destination-defaults.ts';
import { parseRateLimit } from '../dsl/language/durations.ts';
import type { DestinationClient } from '../destinations/types.ts';
import type { StepLog } from '../store/step-log.ts';
import type { ProfileStore } from '../store/store.ts';
import { workflowBundle } from './bundle.ts';
import { destinationTaskQueue, FIRINGS_TASK_QUEUE, FLOW_TASK_QUEUE } from '../workflows/task-queues.ts';

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
  /** Runs the flow worker keeps in memory between their tasks (DEFAULT_WORKFLOW_CACHE; FLOWLINE_WORKFLOW_CACHE in `flows worker`). */
  workflowCache?: number;
}

/**
 * Runs kept in the flow worker's cache. The SDK's own default grows with the heap (about 2,300 on
 * a 4 GB heap) and a worker holding 100,000 waiting runs reached 1.6 GB; bounded, a run that left
 * the cache is replayed from its history when it wakes (a waiting run's history is a few events).
 */
export const DEFAULT_WORKFLOW_CACHE = 1000;

/** Entry firings in memory at once: one per timed flow firing now, a few. */
const FIRINGS_CACHE = 20;

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
  const bundle = await workflowBundle(converter?.failureConverterPath);
  const workers: Worker[] = [
    await Worker.create({
      ...common,
      taskQueue: FLOW_TASK_QUEUE,
      workflowBundle: bundle,
      maxCachedWorkflows: options.workflowCache ?? DEFAULT_WORKFLOW_CACHE,
    }),
    // Entry firings on pollers of their own: never behind the runs they start.
    await Worker.create({
      ...common,
      taskQueue: FIRINGS_TASK_QUEUE,
      workflowBundle: bundle,
      maxCachedWorkflows: FIRINGS_CACHE,
      maxConcurrentWorkflowTaskExecutions: FIRINGS_CACHE / 2,
    }),
  ];
  for (const name of options.destinations.keys()) {
    const configured = options.config.destinations.get(name);
    const settings = { ...(configured && TYPE_DEFAULTS[configured.type]), ...configured } as { rate_limit?: string; concurrency?: number };
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
