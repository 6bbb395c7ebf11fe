import pg from 'pg';
import { emptyProfile, type Profile, type ProfileStore } from './store.ts';

const SCHEMA = `
create table if not exists flowline_profiles (user_id text primary key, profile jsonb not null, updated_at timestamptz not null default now());
create table if not exists flowline_entries (flow_id text not null, user_id text not null, entered_at bigint not null);
create index if not exists flowline_entries_by_user on flowline_entries (flow_id, user_id, entered_at);
create table if not exists flowline_seen (key text primary key, seen_at timestamptz not null default now());
`;

/**
 * The profile store for deployments with several ingest and worker processes: PostgreSQL.
 * Changes to one user are serialised by a row lock, across processes.
 */
export class PostgresProfileStore implements ProfileStore {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects and creates the tables when missing. */
  static async open(connectionString: string): Promise<PostgresProfileStore> {
    const pool = new pg.Pool({ connectionString, max: 10 });
    // An idle connection the server closes (restart, failover) is dropped and replaced; pg
    // requires a listener, or the process dies on it.
    pool.on('error', (error) => console.warn(`profile store: an idle PostgreSQL connection closed: ${error.message}`));
    try {
      await pool.query(SCHEMA);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresProfileStore(pool);
  }

  async get(userId: string): Promise<Profile> {
    const { rows } = await this.pool.query<{ profile: Profile }>('select profile from flowline_profiles where user_id = $1', [userId]);
    return rows[0]?.profile ?? emptyProfile(userId);
  }

  async update(userId: string, change: (profile: Profile) => void): Promise<Profile> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      // Make sure a row exists to lock, then lock it: concurrent updates to one user queue here.
      await client.query('insert into flowline_profiles (user_id, profile) values ($1, $2) on conflict (user_id) do nothing', [userId, emptyProfile(userId)]);
      const { rows } = await client.query<{ profile: Profile }>('select profile from flowline_profiles where user_id = $1 for update', [userId]);
      const profile = rows[0]!.profile;
      change(profile);
      await client.query('update flowline_profiles set profile = $2, updated_at = now() where user_id = $1', [userId, profile]);
      await client.query('commit');
      return profile;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async entries(flowId: string, userId: string): Promise<number[]> {
    const { rows } = await this.pool.query<{ entered_at: string }>('select entered_at from flowline_entries where flow_id = $1 and user_id = $2 order by entered_at', [flowId, userId]);
    return rows.map((r) => Number(r.entered_at));
  }

  async recordEntry(flowId: string, userId: string, at: number): Promise<void> {
    await this.pool.query('insert into flowline_entries (flow_id, user_id, entered_at) values ($1, $2, $3)', [flowId, userId, at]);
  }

  async seen(key: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('select 1 from flowline_seen where key = $1', [key]);
    return (rowCount ?? 0) > 0;
  }

  async markSeen(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.pool.query('insert into flowline_seen (key) select unnest($1::text[]) on conflict do nothing', [keys]);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
