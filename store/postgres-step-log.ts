import type pg from 'pg';
import { sharedPool } from './postgres-pool.ts';
import type { FlowIR } from '../dsl/language/ir.ts';
import { FLOW_STEP } from './step-log.ts';
import type { FlowNumbers, LatestQuery, NumbersQuery, StepEvent, StepLog, StepOutcome, WinnerDecision } from './step-log.ts';
import { byTime, canonicalEvent, checkEvents, foldNumbers, hourOf, HOUR_MS, type StoredEvent } from './step-rollup.ts';

// Created one process at a time (ingest, worker and studio may start together), as the profile tables are.
// A database from before conversions is upgraded in place, once (checked first: an alter table would lock
// the tables on every start): the new columns are added (old rows: no goal, value 0; no rewrite) and the
// counters' primary key is rebuilt to include the goal.
const SCHEMA = `
begin;
select pg_advisory_xact_lock(7461095);
create table if not exists flowline_step_events (id text primary key, flow_id text not null, version text not null,
  workflow_id text not null, run_id text not null, user_id text not null, step text not null, outcome text not null,
  branch text, message text, at bigint not null, ord int not null, goal text, value double precision);
create table if not exists flowline_step_rollup (flow_id text not null, version text not null, step text not null,
  outcome text not null, branch text not null, goal text not null, hour bigint not null, n bigint not null,
  value double precision not null, primary key (flow_id, version, step, outcome, branch, goal, hour));
do $$
begin
  if not exists (select 1 from pg_attribute where attrelid = 'flowline_step_events'::regclass and attname = 'goal') then
    alter table flowline_step_events add column goal text, add column value double precision;
  end if;
  if not exists (select 1 from pg_attribute where attrelid = 'flowline_step_rollup'::regclass and attname = 'goal') then
    alter table flowline_step_rollup add column goal text not null default '', add column value double precision not null default 0,
      drop constraint flowline_step_rollup_pkey, add primary key (flow_id, version, step, outcome, branch, goal, hour);
  end if;
end $$;
create index if not exists flowline_step_events_by_run on flowline_step_events (workflow_id, at);
create index if not exists flowline_step_events_latest on flowline_step_events (flow_id, step, outcome, at desc);
create index if not exists flowline_step_events_by_user on flowline_step_events (flow_id, user_id, at);
create table if not exists flowline_flow_versions (flow_id text not null, version text not null, first_seen bigint not null,
  ir jsonb not null, primary key (flow_id, version));
create table if not exists flowline_winner_decisions (flow_id text not null, step text not null, branch text not null,
  at bigint not null, version text not null, goal text not null, reason text not null, primary key (flow_id, step));
commit;
`;

// One statement: the events not yet stored go in, and only those rows add to the counters, so a
// retry, a replay or two workers recording the same event count it once. Rows are sorted so
// concurrent statements lock ids and counters in the same order (no deadlock); `ord`, the
// event's place in its batch, orders a run's events of one millisecond as the run made them.
const RECORD = `
with input as (
  select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
    $10::text[], $11::bigint[], $12::text[], $13::float8[])
    with ordinality as t(id, flow_id, version, workflow_id, run_id, user_id, step, outcome, branch, message, at, goal, value, ord)
), inserted as (
  insert into flowline_step_events (id, flow_id, version, workflow_id, run_id, user_id, step, outcome, branch, message, at, goal, value, ord)
  select * from input order by id on conflict (id) do nothing
  returning flow_id, version, step, outcome,
    case when step = '${FLOW_STEP}' and outcome = 'exited' then coalesce(message, '') else coalesce(branch, '') end as branch, coalesce(goal, '') as goal, coalesce(value, 0) as value,
    (at / ${HOUR_MS}) * ${HOUR_MS} as hour
)
insert into flowline_step_rollup (flow_id, version, step, outcome, branch, goal, hour, n, value)
select flow_id, version, step, outcome, branch, goal, hour, count(*), sum(value) from inserted
group by flow_id, version, step, outcome, branch, goal, hour order by flow_id, version, step, outcome, branch, goal, hour
on conflict (flow_id, version, step, outcome, branch, goal, hour)
do update set n = flowline_step_rollup.n + excluded.n, value = flowline_step_rollup.value + excluded.value
`;

/** An event's columns, named as StepEvent names its fields (the table is `e` in every query that reads events). */
const EVENT_COLUMNS =
  'e.id, e.flow_id as "flowId", e.version, e.workflow_id as "workflowId", e.run_id as "runId", e.user_id as "userId", ' +
  'e.step, e.outcome, e.branch, e.message, e.goal, e.value, e.at';

/** A row of EVENT_COLUMNS: `at` is a bigint, which pg gives as text. */
type EventRow = Omit<StoredEvent, 'at'> & { at: string };

const asEvent = (r: EventRow): StepEvent => canonicalEvent({ ...r, at: Number(r.at) });

const DECISIONS = 'select flow_id, step, branch, at, version, goal, reason from flowline_winner_decisions where flow_id = $1';
type DecisionRow = { flow_id: string; step: string; branch: string; at: string; version: string; goal: string; reason: string };
const asDecision = (r: DecisionRow): WinnerDecision => ({
  flowId: r.flow_id,
  step: r.step,
  branch: r.branch,
  at: Number(r.at),
  version: r.version,
  goal: r.goal,
  reason: r.reason,
});

/** The step log in PostgreSQL, beside the profile tables: events keyed by id, counters per hour. */
export class PostgresStepLog implements StepLog {
  private readonly knownVersions = new Set<string>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly release: () => Promise<void>,
    private readonly now: () => number,
  ) {}

  /** Connects (on the process's one pool for this database, shared with the profile store) and creates the tables when missing. */
  static async open(connectionString: string, options: { now?: () => number } = {}): Promise<PostgresStepLog> {
    const { pool, release } = sharedPool(connectionString);
    try {
      await pool.query(SCHEMA);
    } catch (error) {
      await release().catch(() => undefined);
      throw error;
    }
    return new PostgresStepLog(pool, release, options.now ?? Date.now);
  }

  async record(events: readonly StepEvent[]): Promise<void> {
    if (events.length === 0) return;
    checkEvents(events);
    const column = <K extends keyof StepEvent>(k: K) => events.map((e) => e[k] ?? null);
    await this.pool.query(RECORD, [
      column('id'),
      column('flowId'),
      column('version'),
      column('workflowId'),
      column('runId'),
      column('userId'),
      column('step'),
      column('outcome'),
      column('branch'),
      column('message'),
      column('at'),
      column('goal'),
      column('value'),
    ]);
  }

  async has(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('select 1 from flowline_step_events where id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  async numbers(flowId: string, options: NumbersQuery = {}): Promise<FlowNumbers> {
    // Grouped per day: the trend needs no finer, and the answer stays a few hundred rows.
    const { rows } = await this.pool.query<{
      step: string;
      outcome: string;
      branch: string;
      goal: string;
      day: string;
      n: string;
      value: number;
    }>(
      `select step, outcome, branch, goal, (hour / 86400000) * 86400000 as day, sum(n) as n, sum(value) as value from flowline_step_rollup
       where flow_id = $1 and ($2::text is null or version = $2) and ($3::bigint is null or hour >= $3)
       group by step, outcome, branch, goal, day`,
      [flowId, options.version ?? null, options.since === undefined ? null : hourOf(options.since)],
    );
    return foldNumbers(
      rows.map((r) => ({ ...r, at: Number(r.day), n: Number(r.n) })),
      options.since,
      this.now(),
    );
  }

  async latest(flowId: string, step: string, outcome: StepOutcome, options: LatestQuery = {}): Promise<StepEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `select ${EVENT_COLUMNS} from flowline_step_events e where flow_id = $1 and step = $2 and outcome = $3 and ($4::text is null or version = $4)
       order by at desc limit $5`,
      [flowId, step, outcome, options.version ?? null, options.limit ?? 20],
    );
    return rows.map(asEvent);
  }

  async run(workflowId: string, runId?: string): Promise<StepEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `select ${EVENT_COLUMNS} from flowline_step_events e where workflow_id = $1 and run_id = coalesce($2, (
         select run_id from flowline_step_events where workflow_id = $1 order by at desc limit 1))
       order by at, ord`,
      [workflowId, runId ?? null],
    );
    return byTime(rows.map(asEvent));
  }

  async recordVersion(ir: FlowIR, at: number): Promise<void> {
    const key = `${ir.flow}\t${ir.version}`;
    if (this.knownVersions.has(key)) return;
    await this.pool.query(
      'insert into flowline_flow_versions (flow_id, version, first_seen, ir) values ($1, $2, $3, $4) on conflict do nothing',
      [ir.flow, ir.version, at, JSON.stringify(ir)],
    );
    this.knownVersions.add(key);
  }

  async versions(flowId: string): Promise<Array<{ version: string; firstSeen: number; ir: FlowIR }>> {
    const { rows } = await this.pool.query<{ version: string; first_seen: string; ir: FlowIR }>(
      'select version, first_seen, ir from flowline_flow_versions where flow_id = $1 order by first_seen desc',
      [flowId],
    );
    return rows.map((r) => ({ version: r.version, firstSeen: Number(r.first_seen), ir: r.ir }));
  }

  async userRuns(flowId: string, userId: string, since: number): Promise<StepEvent[]> {
    // The user's runs that entered since `since` (the by-user index), then their events (the by-run index):
    // a run's events all come at or after its entry, so `at >= since` bounds both.
    const { rows } = await this.pool.query<EventRow>(
      `select ${EVENT_COLUMNS} from flowline_step_events e join (
         select workflow_id, run_id from flowline_step_events
         where flow_id = $1 and user_id = $2 and at >= $3 and step = '${FLOW_STEP}' and outcome = 'entered') r
       on e.workflow_id = r.workflow_id and e.run_id = r.run_id
       where e.at >= $3
       order by e.at, e.ord`,
      [flowId, userId, since],
    );
    return rows.map(asEvent);
  }

  async recordDecision(decision: WinnerDecision): Promise<WinnerDecision> {
    const { flowId, step, branch, at, version, goal, reason } = decision;
    // Two statements: after waiting on a concurrent insert of the same split, only a new statement sees its row.
    const inserted = await this.pool.query(
      `insert into flowline_winner_decisions (flow_id, step, branch, at, version, goal, reason) values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (flow_id, step) do nothing`,
      [flowId, step, branch, at, version, goal, reason],
    );
    if (inserted.rowCount === 1) return { ...decision };
    const { rows } = await this.pool.query<DecisionRow>(`${DECISIONS} and step = $2`, [flowId, step]);
    return asDecision(rows[0]!);
  }

  async decisions(flowId: string): Promise<WinnerDecision[]> {
    const { rows } = await this.pool.query<DecisionRow>(`${DECISIONS} order by step collate "C"`, [flowId]);
    return rows.map(asDecision);
  }

  close(): Promise<void> {
    return this.release();
  }
}
