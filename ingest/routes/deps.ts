import type { Client } from '@temporalio/client';
import type { NormalizedBatch } from '../normalize.ts';
import type { BatchReport, RefusedBatch } from '../report.ts';
import type { IngestStats } from '../stats.ts';

/** What the route plugins need: a way to route one normalised batch, the counters, and the Temporal client for readiness. */
export interface IngestDeps {
  accept(batch: NormalizedBatch): Promise<BatchReport>;
  stats: IngestStats;
  client: Client;
  log(message: string, error: unknown): void;
  /** Counts and logs the invalid batches of a bulk request whose other batches were handled. */
  refused(route: string, refused: RefusedBatch[], total: number): void;
}
