import type { NormalizedBatch } from './normalize.ts';
import type { BatchOutcome } from './route.ts';

/** Counters served on GET /stats: numbers only, never error text. */
export interface IngestStats {
  batches: number;
  events: number;
  ignoredEvents: number;
  anonymousBatches: number;
  duplicateBatches: number;
  started: number;
  signalled: number;
  notStarted: Record<string, number>;
  unavailable: number;
}

export const emptyStats = (): IngestStats => ({ batches: 0, events: 0, ignoredEvents: 0, anonymousBatches: 0, duplicateBatches: 0, started: 0, signalled: 0, notStarted: {}, unavailable: 0 });

export function count(stats: IngestStats, outcome: BatchOutcome, batch: NormalizedBatch): void {
  stats.batches++;
  stats.events += batch.events.length;
  stats.ignoredEvents += outcome.ignored;
  if (outcome.anonymous) stats.anonymousBatches++;
  if (outcome.duplicate) stats.duplicateBatches++;
  stats.started += outcome.started;
  stats.signalled += outcome.signalled;
  for (const [reason, n] of Object.entries(outcome.notStarted)) stats.notStarted[reason] = (stats.notStarted[reason] ?? 0) + n;
}
