import { percentile } from './cluster-process.ts';

/** One idle batch: when it was sent (ms from the phase's start), its latency (NaN if refused), and to which ingest. */
export interface Sent {
  at: number;
  ms: number;
  ingest: number;
}

/**
 * Where a phase's worst latency came from: for each ingest, its slowest batch, the batches sent to
 * it while that one waited (all slow: that ingest paused) and those sent to the other ingests
 * meanwhile (slow too: something they share paused, PostgreSQL or the machine; quick: only it did).
 */
export function describePauses(sent: readonly Sent[]): string {
  const ok = sent.filter((s) => !Number.isNaN(s.ms));
  const ingests = [...new Set(ok.map((s) => s.ingest))].sort();
  return ingests
    .map((ingest) => {
      const own = ok.filter((s) => s.ingest === ingest);
      const worst = own.reduce((a, b) => (b.ms > a.ms ? b : a));
      const during = (s: Sent) => s.at >= worst.at && s.at <= worst.at + worst.ms;
      const same = own.filter(during).map((s) => s.ms);
      const others = ok.filter((s) => s.ingest !== ingest && during(s)).map((s) => s.ms);
      const spread = (xs: number[]) =>
        xs.length ? `${xs.length}, p50 ${percentile(xs, 50).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms` : 'none';
      return (
        `slowest to :${ingest} ${worst.ms.toFixed(0)} ms, sent at ${(worst.at / 1000).toFixed(1)} s; ` +
        `sent to it meanwhile ${spread(same)}; to the other ingest ${spread(others)}`
      );
    })
    .join('\n  ');
}
