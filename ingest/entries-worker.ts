import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { dataConverter } from '../codec/data-converter.ts';
import type { FlowIR } from '../dsl/ir.ts';
import { connectionOptions, type TemporalSettings } from '../temporal/connection.ts';
import { ENTRIES_TASK_QUEUE } from '../workflows/task-queues.ts';
import { entryActivities } from './scheduled-entries.ts';
import { syncSchedules, type SyncReport } from './schedules.ts';
import type { StartDeps } from './start-run.ts';

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
  const sync = (flows: readonly FlowIR[]) => {
    const next = queue.then(async () => {
      try {
        const report = await syncSchedules(options.client, flows, options.deps.config, known);
        const changed = [
          ...report.created.map((id) => `+${id}`),
          ...report.updated.map((id) => `~${id}`),
          ...report.deleted.map((id) => `-${id}`),
        ];
        if (changed.length) options.log(`entry schedules: ${changed.join(' ')}`);
        return report;
      } catch (error) {
        options.log(`entry schedules not synced (tried again at the next reload or restart): ${(error as Error).message}`);
        return undefined;
      }
    });
    queue = next;
    return next;
  };
  return {
    sync,
    async close() {
      await queue;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      if (!options.connection) await connection.close();
    },
  };
}
