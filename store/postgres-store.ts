import { createHash } from 'node:crypto';
import type pg from 'pg';
import { sharedPool } from './postgres-pool.ts';
import { decideEntry, reservationRecord, type EntryRecord, type EntryRule, type Reservation } from './entry-records.ts';
import { applyWithinLimits } from './limits.ts';
import { claimCutoff, decideClaim, type ClaimAnswer, type SendCap, type SendClaim } from './send-claims.ts';
import { emptyProfile, matchesFilter, pageSize } from './store.ts';
import type { PageQuery, PendingBatch, Profile, ProfilePage, ProfileStore, SweepCutoffs, SweepResult } from './store.ts';

// Processes starting together (ingest and worker) create the tables one at a time: concurrent
// `create ... if not exists` can fail on PostgreSQL's catalog.
const SCHEMA = `
begin;
select pg_advisory_xact_lock(7461094);
create table if not exists flowline_profiles (user_id text primary key, profile jsonb not null, updated_at timestamptz not null default now());
create index if not exists flowline_profiles_by_audience on flowline_profiles using gin ((profile->'audiences') jsonb_path_ops);
create table if not exists flowline_entries (flow_id text not null, user_id text not null, entered_at bigint not null);
alter table flowline_entries add column if not exists event_id text, add column if not exists pending boolean not null default false,
  add column if not exists keep_until bigint;
create index if not exists flowline_entries_by_user on flowline_entries (flow_id, user_id, entered_at);
create index if not exists flowline_entries_by_expiry on flowline_entries (keep_until) where keep_until is not null;
create table if not exists flowline_seen (key text primary key, seen_at timestamptz not null default now());
create index if not exists flowline_seen_by_time on flowline_seen (seen_at);
create table if not exists flowline_pending_batches (key text primary key, pending jsonb not null, saved_at timestamptz not null default now());
create table if not exists flowline_running_runs (flow_id text not null, user_id text not null, workflow_id text not null,
  primary key (flow_id, user_id, workflow_id));
create table if not exists flowline_send_claims (user_id text not null, channel text not null, claim_id text not null,
  claimed_at bigint not null, primary key (user_id, channel, claim_id));
commit;
`;

// A b-tree entry holds at most ~2.7 KB: a longer key is stored as its hash.
const seenKey = (key: string): string => (key.length <= 512 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`);

/** Rows deleted per statement by the sweeper, so it never holds long locks on a big table. */
const SWEEP_BATCH = 5_000;

export interface PostgresStoreOptions {
  /** The clock for de-duplication records (tests move it). */
  now?: () => number;
}

/**
 * The profile store for deployments with several ingest and worker processes: PostgreSQL.
 * Changes to one user are serialised by a row lock, entry reservations by an advisory lock on
 * flow and user, across processes.
 */
export class PostgresProfileStore implements ProfileStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly release: () => Promise<void>,
    private readonly now: () => number,
  ) {}

  /** Connects (on the process's one pool for this database) and creates the tables when missing. */
  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresProfileStore> {
    const { pool, release } = sharedPool(connectionString);
    try {
      await pool.query(SCHEMA);
    } catch (error) {
      await release().catch(() => undefined);
      throw error;
    }
    return new PostgresProfileStore(pool, release, options.now ?? Date.now);
  }

  async get(userId: string): Promise<Profile> {
    const { rows } = await this.pool.query<{ profile: Profile }>('select profile from flowline_profiles where user_id = $1', [userId]);
    return rows[0]?.profile ?? emptyProfile(userId);
  }

  update(userId: string, change: (profile: Profile) => void): Promise<Profile> {
    return this.transaction(async (client) => {
      // Make sure a row exists to lock, then lock it: concurrent updates to one user queue here.
      await client.query('insert into flowline_profiles (user_id, profile) values ($1, $2) on conflict (user_id) do nothing', [
        userId,
        emptyProfile(userId),
      ]);
      const { rows } = await client.query<{ profile: Profile }>('select profile from flowline_profiles where user_id = $1 for update', [
        userId,
      ]);
      const profile = rows[0]!.profile;
      const text = applyWithinLimits(profile, change);
      if (text === undefined) return profile;
      await client.query('update flowline_profiles set profile = $2::jsonb, updated_at = now() where user_id = $1', [userId, text]);
      return profile;
    });
  }

  async entries(flowId: string, userId: string): Promise<number[]> {
    const { rows } = await this.pool.query<{ entered_at: string }>(
      'select entered_at from flowline_entries where flow_id = $1 and user_id = $2 order by entered_at',
      [flowId, userId],
    );
    return rows.map((r) => Number(r.entered_at));
  }

  async enteredAmong(flowId: string, userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const { rows } = await this.pool.query<{ user_id: string }>(
      'select distinct user_id from flowline_entries where flow_id = $1 and user_id = any($2::text[])',
      [flowId, [...new Set(userIds)]],
    );
    return new Set(rows.map((r) => r.user_id));
  }

  async recordEntry(flowId: string, userId: string, at: number): Promise<void> {
    await this.pool.query('insert into flowline_entries (flow_id, user_id, entered_at) values ($1, $2, $3)', [flowId, userId, at]);
  }

  reserveEntry(flowId: string, userId: string, entry: { at: number; eventId: string }, rule: EntryRule): Promise<Reservation> {
    return this.transaction(async (client) => {
      // One reservation per flow and user at a time, in every process; held until commit.
      await client.query('select pg_advisory_xact_lock(hashtext($1), hashtext($2))', [flowId, userId]);
      const { rows } = await client.query<{ entered_at: string; event_id: string | null; pending: boolean }>(
        'select entered_at, event_id, pending from flowline_entries where flow_id = $1 and user_id = $2 and (keep_until is null or keep_until >= $3)',
        [flowId, userId, entry.at],
      );
      const records: EntryRecord[] = rows.map((r) => ({
        at: Number(r.entered_at),
        ...(r.event_id ? { event: r.event_id } : {}),
        ...(r.pending ? { pending: true } : {}),
      }));
      const verdict = decideEntry(records, rule, entry.at, entry.eventId);
      if (verdict === 'reserved') {
        const record = reservationRecord(rule, entry.at, entry.eventId);
        await client.query(
          'insert into flowline_entries (flow_id, user_id, entered_at, event_id, pending, keep_until) values ($1, $2, $3, $4, true, $5)',
          [flowId, userId, record.at, record.event, record.until ?? null],
        );
      }
      return verdict;
    });
  }

  async confirmEntry(flowId: string, userId: string, eventId: string): Promise<void> {
    const sql = 'update flowline_entries set pending = false where flow_id = $1 and user_id = $2 and event_id = $3 and pending';
    await this.pool.query(sql, [flowId, userId, eventId]);
  }

  async releaseEntry(flowId: string, userId: string, eventId: string): Promise<void> {
    const sql = 'delete from flowline_entries where flow_id = $1 and user_id = $2 and event_id = $3 and pending';
    await this.pool.query(sql, [flowId, userId, eventId]);
  }

  claimSend(userId: string, claim: SendClaim, caps: readonly SendCap[]): Promise<ClaimAnswer> {
    return this.transaction(async (client) => {
      // One claim per user and channel at a time, in every process; held until commit. The one-key
      // form: its lock space is apart from reserveEntry's two-key locks.
      await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [JSON.stringify(['claim', userId, claim.channel])]);
      await client.query('delete from flowline_send_claims where user_id = $1 and channel = $2 and claimed_at <= $3', [
        userId,
        claim.channel,
        claimCutoff(caps, claim.at),
      ]);
      const { rows } = await client.query<{ claim_id: string; claimed_at: string }>(
        'select claim_id, claimed_at from flowline_send_claims where user_id = $1 and channel = $2',
        [userId, claim.channel],
      );
      const answer = decideClaim(
        rows.map((r) => ({ id: r.claim_id, at: Number(r.claimed_at) })),
        caps,
        claim,
      );
      if (answer.allowed) {
        await client.query(
          'insert into flowline_send_claims (user_id, channel, claim_id, claimed_at) values ($1, $2, $3, $4) on conflict do nothing',
          [userId, claim.channel, claim.id, claim.at],
        );
      }
      return answer;
    });
  }

  async seen(key: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('select 1 from flowline_seen where key = $1', [seenKey(key)]);
    return (rowCount ?? 0) > 0;
  }

  async seenAmong(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { rows } = await this.pool.query<{ key: string }>('select key from flowline_seen where key = any($1::text[])', [
      [...new Set(keys.map(seenKey))],
    ]);
    const found = new Set(rows.map((r) => r.key));
    return new Set(keys.filter((k) => found.has(seenKey(k))));
  }

  async markSeen(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    // Marking again restarts the key's retention: a sender still retrying keeps being recognised.
    await this.pool.query(
      'insert into flowline_seen (key, seen_at) select unnest($1::text[]), to_timestamp($2 / 1000.0) ' +
        'on conflict (key) do update set seen_at = excluded.seen_at',
      [[...new Set(keys.map(seenKey))], this.now()],
    );
  }

  async pendingBatch(key: string): Promise<PendingBatch | undefined> {
    const { rows } = await this.pool.query<{ pending: PendingBatch }>('select pending from flowline_pending_batches where key = $1', [
      seenKey(key),
    ]);
    return rows[0]?.pending;
  }

  async savePendingBatch(key: string, pending: PendingBatch | undefined): Promise<void> {
    if (!pending) {
      await this.pool.query('delete from flowline_pending_batches where key = $1', [seenKey(key)]);
      return;
    }
    await this.pool.query(
      'insert into flowline_pending_batches (key, pending, saved_at) values ($1, $2, to_timestamp($3 / 1000.0)) ' +
        'on conflict (key) do update set pending = excluded.pending, saved_at = excluded.saved_at',
      [seenKey(key), JSON.stringify(pending), this.now()],
    );
  }

  async runningRuns(flowId: string, userId: string): Promise<string[]> {
    const sql = 'select workflow_id from flowline_running_runs where flow_id = $1 and user_id = $2 order by workflow_id';
    return (await this.pool.query<{ workflow_id: string }>(sql, [flowId, userId])).rows.map((r) => r.workflow_id);
  }

  changeRunningRuns(flowId: string, userId: string, change: { add?: readonly string[]; remove?: readonly string[] }): Promise<string[]> {
    return this.transaction(async (client) => {
      const removed = change.remove ?? [];
      if (change.add?.length) {
        await client.query(
          'insert into flowline_running_runs (flow_id, user_id, workflow_id) select $1, $2, unnest($3::text[]) on conflict do nothing',
          [flowId, userId, [...new Set(change.add)]],
        );
      }
      if (removed.length) {
        const sql = 'delete from flowline_running_runs where flow_id = $1 and user_id = $2 and workflow_id = any($3::text[])';
        await client.query(sql, [flowId, userId, [...removed]]);
      }
      const sql = 'select workflow_id from flowline_running_runs where flow_id = $1 and user_id = $2 order by workflow_id';
      return (await client.query<{ workflow_id: string }>(sql, [flowId, userId])).rows.map((r) => r.workflow_id);
    });
  }

  async pageProfiles(query: PageQuery): Promise<ProfilePage> {
    const limit = pageSize(query);
    // Keyset on the primary key: each page is an index range scan of at most `limit` rows. An
    // audience is matched in SQL, where the audiences' GIN index finds a small audience among
    // many profiles without reading the others; the other filters are applied below.
    const audience = query.filter?.audience;
    const { rows } = await this.pool.query<{ user_id: string; profile: Profile }>(
      audience === undefined
        ? 'select user_id, profile from flowline_profiles where $1::text is null or user_id > $1 order by user_id limit $2'
        : "select user_id, profile from flowline_profiles where profile->'audiences' @> $3::jsonb and ($1::text is null or user_id > $1) order by user_id limit $2",
      audience === undefined ? [query.after ?? null, limit] : [query.after ?? null, limit, JSON.stringify([audience])],
    );
    const profiles = rows.map((r) => ({ ...emptyProfile(r.user_id), ...r.profile })).filter((p) => matchesFilter(p, query.filter));
    return { profiles, ...(rows.length === limit ? { next: rows.at(-1)!.user_id } : {}) };
  }

  async sweep(cutoffs: SweepCutoffs): Promise<SweepResult> {
    const seen =
      (await this.deleteInBatches('flowline_seen', 'seen_at < to_timestamp($1 / 1000.0)', cutoffs.seenBefore)) +
      (await this.deleteInBatches('flowline_pending_batches', 'saved_at < to_timestamp($1 / 1000.0)', cutoffs.seenBefore));
    const entries = await this.deleteInBatches('flowline_entries', 'keep_until < $1', cutoffs.now);
    return { seen, entries };
  }

  close(): Promise<void> {
    return this.release();
  }

  private async deleteInBatches(table: string, condition: string, cutoff: number): Promise<number> {
    let total = 0;
    for (;;) {
      const sql = `delete from ${table} where ctid in (select ctid from ${table} where ${condition} limit ${SWEEP_BATCH})`;
      const { rowCount } = await this.pool.query(sql, [cutoff]);
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < SWEEP_BATCH) return total;
    }
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
