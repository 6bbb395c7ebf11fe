import pg from 'pg';

interface Shared {
  pool: pg.Pool;
  users: number;
}

const shared = new Map<string, Shared>();

/**
 * One connection pool per database per process, whichever stores use it (the profile store and
 * the step log share it): two pools would hold twice the connections PostgreSQL counts against
 * its limit. Each `release` gives one use back; the last ends the pool.
 */
export function sharedPool(connectionString: string): { pool: pg.Pool; release(): Promise<void> } {
  let entry = shared.get(connectionString);
  if (!entry) {
    const pool = new pg.Pool({ connectionString, max: 10 });
    // An idle connection the server closes (restart, failover) is dropped and replaced; pg
    // requires a listener, or the process dies on it.
    pool.on('error', (error) => console.warn(`PostgreSQL: an idle connection closed: ${error.message}`));
    entry = { pool, users: 0 };
    shared.set(connectionString, entry);
  }
  entry.users++;
  const own = entry;
  let released = false;
  return {
    pool: own.pool,
    async release() {
      if (released) return;
      released = true;
      if (--own.users > 0) return;
      if (shared.get(connectionString) === own) shared.delete(connectionString);
      await own.pool.end();
    },
  };
}
