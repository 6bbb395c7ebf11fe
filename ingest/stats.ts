import type { NormalizedBatch } from './normalize.ts';
import type { BatchOutcome } from './route.ts';

/** Counters served on GET /stats: numbers only, never error text. */
export interface IngestStats {
  batches: number;
  /** Events of batches handled (duplicate batches' events are counted in duplicateEvents instead). */
  events: number;
  duplicateEvents: number;
  /** Batches of a /v2/bulkevents request refused as invalid while the others were handled. */
  refusedBatches: number;
  ignoredEvents: number;
  anonymousBatches: number;
  duplicateBatches: number;
  started: number;
  signalled: number;
  /** Runs credited with a goal's conversion (run × goal; a duplicate batch credits nothing). */
  converted: number;
  /** Starts not made, by reason (ingest/not-started.ts); `no-flow` counts events no flow starts on or waits for. */
  notStarted: Record<string, number>;
  /** The same per flow: which flow's filter, status or entry rules refused (no `no-flow` here). */
  notStartedByFlow: Record<string, Record<string, number>>;
  unavailable: number;
}

export const emptyStats = (): IngestStats => ({
  batches: 0,
  events: 0,
  duplicateEvents: 0,
  refusedBatches: 0,
  ignoredEvents: 0,
  anonymousBatches: 0,
  duplicateBatches: 0,
  started: 0,
  signalled: 0,
  converted: 0,
  notStarted: {},
  notStartedByFlow: {},
  unavailable: 0,
});

export function count(stats: IngestStats, outcome: BatchOutcome, batch: NormalizedBatch): void {
  stats.batches++;
  if (outcome.duplicate) {
    stats.duplicateBatches++;
    stats.duplicateEvents += batch.events.length + outcome.ignored;
    return;
  }
  stats.events += batch.events.length;
  stats.ignoredEvents += outcome.ignored;
  if (outcome.anonymous) stats.anonymousBatches++;
  stats.started += outcome.started;
  stats.signalled += outcome.signalled;
  stats.converted += outcome.converted;
  for (const [reason, n] of Object.entries(outcome.notStarted)) stats.notStarted[reason] = (stats.notStarted[reason] ?? 0) + n;
  for (const { flow, reason } of outcome.notStartedEvents) {
    if (flow === undefined) continue;
    const byReason = (stats.notStartedByFlow[flow] ??= {});
    byReason[reason] = (byReason[reason] ?? 0) + 1;
  }
}
