import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { dataConverter } from '../codec/data-converter.ts';
import type { FlowIR } from '../dsl/language/ir.ts';
import { connectionOptions, type TemporalSettings } from '../temporal/connection.ts';
import { ENTRIES_TASK_QUEUE } from '../workflows/task-queues.ts';
import { entryActivities } from './scheduled-entries.ts';
import { syncSchedules, type SyncReport } from './schedules.ts';
import type { StartDeps } from './start-run.ts';

/** How long a failed start or sync of the entries waits before it is tried again. */
const RETRY_MS = 5_000;

export interface RunningEntries {
  /** Makes the schedules match these flows (call on every reload); errors are logged, not thrown. */
  sync(flows: readonly FlowIR[]): Promise<SyncReport | undefined>;
  close(): Promise<void>;
}

/**
 * Scheduled and date entries in the ingest process: the activity worker on ENTRIES_TASK_QUEUE
 * (it pages the profile store and starts runs under the same entry rules as events), and the
 * Temporal Schedules kept in line with the flows. Ingest holds these because entry rules live in
 * ingest/, which workflows/ and the flow worker may not import (docs/architecture.md).
 */
export async function startEntries(options: {
  settings: TemporalSettings;
  client: Client;
  deps: StartDeps;
  flows: () => readonly FlowIR[];
  log: (line: string) => void;
  /** An existing connection (tests); else one is made from `settings`. */
  connection?: NativeConnection;
  /** Pause before a failed sync (or start, in startEntriesWhenReachable) is tried again. */
  retryMs?: number;
}): Promise<RunningEntries> {
  const connection = options.connection ?? (await NativeConnection.connect(connectionOptions(options.settings)));
  const converter = dataConverter();
  const worker = await Worker.create({
    connection,
    namespace: options.settings.namespace,
    taskQueue: ENTRIES_TASK_QUEUE,
    activities: entryActivities({ ...options.deps, flows: options.flows }),
    ...(converter ? { dataConverter: converter } : {}),
  });
  const running = worker.run();
  const known = new Set<string>();
  // One sync at a time: a reload during a sync waits for it, then syncs the newest flows.
  let queue: Promise<unknown> = Promise.resolve();
  const retryMs = options.retryMs ?? RETRY_MS;
  let generation = 0;
  let retrying = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const sync = (flows: readonly FlowIR[]): Promise<SyncReport | undefined> => {
    generation++;
    clearTimeout(retry);
    const next = queue.then(async () => {
      try {
        const report = await syncSchedules(options.client, flows, options.deps.config, known);
        const changed = [
          ...report.created.map((id) => `+${id}`),
          ...report.updated.map((id) => `~${id}`),
          ...report.deleted.map((id) => `-${id}`),
        ];
        if (changed.length) options.log(`entry schedules: ${changed.join(' ')}`);
        if (retrying) options.log('entry schedules synced');
        retrying = false;
        return report;
      } catch (error) {
        // Tried again after a pause, unless a newer sync (a reload) or close came first.
        if (!retrying) options.log(`entry schedules not synced, trying again every ${retryMs / 1000} s: ${(error as Error).message}`);
        retrying = true;
        const mine = ++generation;
        retry = setTimeout(() => mine === generation && !closed && void sync(flows), retryMs);
        return undefined;
      }
    });
    queue = next;
    return next;
  };
  return {
    sync,
    async close() {
      closed = true;
      clearTimeout(retry);
      await queue;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      if (!options.connection) await connection.close();
    },
  };
}

/**
 * startEntries, tried again every `retryMs` while Temporal cannot be reached (ingest may start
 * before it), then the flows of that moment synced: scheduled entries begin once Temporal answers,
 * with no restart. `onUnreachable` is told once.
 */
export function startEntriesWhenReachable(options: Parameters<typeof startEntries>[0] & { onUnreachable(error: Error): void }): {
  current(): RunningEntries | undefined;
  /** Settles after the first try, started or not (flows ingest waits for it, as it waited for a start before). */
  firstTry: Promise<void>;
  close(): Promise<void>;
} {
  let closed = false;
  let tried: () => void = () => undefined;
  const firstTry = new Promise<void>((resolve) => (tried = resolve));
  let running: RunningEntries | undefined;
  let wake: (() => void) | undefined;
  const pause = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.retryMs ?? RETRY_MS);
      wake = () => (clearTimeout(timer), resolve());
    });
  const ready = (async () => {
    for (let attempt = 0; !closed; attempt++) {
      try {
        const started = await startEntries(options);
        if (closed) return void (await started.close());
        running = started;
        if (attempt > 0) options.log('scheduled and date entries started: Temporal answers');
        await started.sync(options.flows());
        return started;
      } catch (error) {
        if (attempt === 0) options.onUnreachable(error as Error);
        tried();
        await pause();
      }
    }
    return undefined;
  })().finally(() => tried());
  return {
    current: () => running,
    firstTry,
    async close() {
      closed = true;
      wake?.();
      await ready;
      await running?.close();
    },
  };
}
