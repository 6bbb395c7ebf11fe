/**
 * What PostgreSQL's own work did during a benchmark's phase: every commit of the Temporal server
 * and of our stores waits for a WAL flush, a checkpoint makes the pages written next cost a full
 * page in the WAL, and autovacuum reads the tables a large entry just wrote. A phase's latency is
 * read beside them.
 */

/** Runs one SQL statement: a pool's or a client's `query`. */
export type Query = (sql: string) => Promise<{ rows: Array<Record<string, unknown>> }>;

export interface PostgresCounters {
  /** Checkpoints begun (timed and requested) and the ms spent writing and syncing them. */
  checkpoints: number;
  requested: number;
  checkpointMs: number;
  walBytes: number;
  /** WAL flushes and their total ms (the time needs `track_wal_io_timing`). */
  walSyncs: number;
  walSyncMs: number;
}

/** Has PostgreSQL time each WAL flush from now on (two clock reads a flush); survives a restart. */
export async function timeWalFlushes(query: Query): Promise<void> {
  await query('ALTER SYSTEM SET track_wal_io_timing = on');
  await query('SELECT pg_reload_conf()');
}

/** The server-wide counters now (PostgreSQL 14–16: pg_stat_bgwriter and pg_stat_wal). */
export async function postgresCounters(query: Query): Promise<PostgresCounters> {
  const { rows } = await query(
    `SELECT checkpoints_timed + checkpoints_req AS checkpoints, checkpoints_req AS requested,
            checkpoint_write_time + checkpoint_sync_time AS checkpoint_ms,
            wal_bytes, wal_sync, wal_sync_time
       FROM pg_stat_bgwriter, pg_stat_wal`,
  );
  const r = rows[0]!;
  return {
    checkpoints: Number(r.checkpoints),
    requested: Number(r.requested),
    checkpointMs: Number(r.checkpoint_ms),
    walBytes: Number(r.wal_bytes),
    walSyncs: Number(r.wal_sync),
    walSyncMs: Number(r.wal_sync_time),
  };
}

/** `after` minus `before`, field by field. */
export const countersBetween = (after: PostgresCounters, before: PostgresCounters): PostgresCounters =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof PostgresCounters]])) as unknown as PostgresCounters;

/** Mean ms per WAL flush over a difference of counters; undefined with no flush. */
export const meanWalFlushMs = (d: PostgresCounters): number | undefined => (d.walSyncs > 0 ? d.walSyncMs / d.walSyncs : undefined);

/** A difference of counters over `seconds`, in a line. */
export function describeCounters(d: PostgresCounters, seconds: number): string {
  const flush = meanWalFlushMs(d);
  return (
    `WAL ${(d.walBytes / 1e6).toFixed(0)} MB (${(d.walBytes / 1e6 / seconds).toFixed(1)} MB/s), ` +
    `${(d.walSyncs / seconds).toFixed(0)} flushes/s${flush === undefined ? '' : ` of ${flush.toFixed(2)} ms`}; ` +
    `${d.checkpoints} checkpoints (${d.requested} requested by WAL volume), ${(d.checkpointMs / 1000).toFixed(1)} s writing and syncing them`
  );
}

/**
 * Counts autovacuum workers once a second until stopped: the most seen at once and the seconds
 * any ran.
 */
export function watchAutovacuum(query: Query): { stop(): Promise<{ most: number; seconds: number }> } {
  let most = 0;
  let seconds = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await query("SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'").catch(() => ({
        rows: [],
      }));
      const n = Number(rows[0]?.n ?? 0);
      most = Math.max(most, n);
      if (n > 0) seconds++;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { most, seconds };
    },
  };
}
