import type { Client } from '@temporalio/client';
import type { NormalizedBatch } from '../normalize.ts';
import type { BatchReport } from '../report.ts';
import type { IngestStats } from '../stats.ts';

/** What the route plugins need: a way to route one normalised batch, the counters, and the Temporal client for readiness. */
export interface IngestDeps {
  accept(batch: NormalizedBatch): Promise<BatchReport>;
  stats: IngestStats;
  client: Client;
  log(message: string, error: unknown): void;
}
