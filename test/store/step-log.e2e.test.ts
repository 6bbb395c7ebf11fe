import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowIR } from '../../dsl/language/ir.ts';
import { FileStepLog } from '../../store/file-step-log.ts';
import { openStepLog } from '../../store/open.ts';
import { PostgresStepLog } from '../../store/postgres-step-log.ts';
import { FLOW_STEP, type StepEvent, type StepLog, type StepOutcome } from '../../store/step-log.ts';
import { stepEventId } from '../../store/step-rollup.ts';
import { startPostgres } from '../helpers/postgres.ts';

let postgres: ReturnType<typeof startPostgres>;
let pgLog: PostgresStepLog;
beforeAll(async () => {
  postgres = startPostgres(15496);
  pgLog = await PostgresStepLog.open(postgres.url);
}, 60_000);
afterAll(async () => {
  await pgLog?.close();
  postgres?.stop();
});

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-10T09:30:00Z');

/** An event of run `user` of a flow, with the id the log requires. */
function ev(
  flowId: string,
  user: string,
  step: string,
  outcome: StepOutcome,
  at: number,
  extra: { branch?: string; message?: string; version?: string; runId?: string; goal?: string; value?: number } = {},
): StepEvent {
  const { version = 'v1', runId = `run-${user}`, ...rest } = extra;
  const e = { flowId, version, workflowId: `flow/${flowId}/${user}`, runId, userId: user, step, outcome, ...rest, at };
  return { id: stepEventId(e), ...e };
}

/** One run: entered the flow, a send, a check that went `branch`, completed. */
const run = (flow: string, user: string, at: number, branch: 'then' | 'else', version = 'v1'): StepEvent[] => [
  ev(flow, user, FLOW_STEP, 'entered', at, { version }),
  ev(flow, user, 'welcome', 'entered', at, { version }),
  ev(flow, user, 'welcome', 'sent', at + 5, { version }),
  ev(flow, user, 'vip', 'entered', at + 10, { version }),
  ev(flow, user, 'vip', 'branch', at + 10, { branch, version }),
  ev(flow, user, FLOW_STEP, 'completed', at + 20, { version }),
];

const ir = (flow: string, version: string): FlowIR => ({
  irVersion: 1,
  flow,
  name: flow,
  status: 'active',
  version,
  source: `flows/${flow}.yaml`,
  trigger: { kind: 'event', event: 'go' },
  entry: { reentry: 'always' },
  exitWhen: [],
  steps: [],
});

const logs: Array<[string, () => StepLog]> = [
  ['embedded file log', () => new FileStepLog(mkdtempSync(join(tmpdir(), 'step-log-')))],
  ['PostgreSQL log', () => pgLog],
];

describe.each(logs)('%s', (name, make) => {
  it('counts an event recorded twice (a retry, a replay, a second worker) once', async () => {
    const log = make();
    const flow = `twice-${Math.random().toString(36).slice(2, 8)}`;
    const events = run(flow, 'ada', T0, 'then');
    await log.record(events);
    await log.record(events);
    await Promise.all([log.record(events.slice(0, 3)), log.record(events.slice(2))]);
    const numbers = await log.numbers(flow);
    expect(numbers).toMatchObject({ entered: 1, completed: 1, exited: 0, failed: 0 });
    expect(numbers.steps).toEqual({
      welcome: { entered: 1, sent: 1, failed: 0, retried: 0, exited: 0, branches: {}, conversions: {}, branchConversions: {} },
      vip: { entered: 1, sent: 0, failed: 0, retried: 0, exited: 0, branches: { then: 1 }, conversions: {}, branchConversions: {} },
    });
    expect(await log.has(events[2]!.id, events[2]!.at)).toBe(true);
    expect(await log.has(events[2]!.id)).toBe(true);
    expect(await log.has(ev(flow, 'ada', 'welcome', 'failed', T0).id, T0)).toBe(false);
  });

  it("gives numbers per version and window, a daily trend, the latest failures, one run's path, and versions", async () => {
    const log = make();
    const flow = `numbers-${Math.random().toString(36).slice(2, 8)}`;
    const events = [
      ...run(flow, 'u1', T0 - 3 * DAY, 'then', 'v1'),
      ...run(flow, 'u2', T0 - 1 * DAY, 'else', 'v1'),
      ...run(flow, 'u3', T0, 'else', 'v2'),
      ev(flow, 'u4', FLOW_STEP, 'entered', T0 + 1_000, { version: 'v2' }),
      ev(flow, 'u4', 'welcome', 'entered', T0 + 1_000, { version: 'v2' }),
      ev(flow, 'u4', 'welcome', 'retried', T0 + 1_000, { version: 'v2' }),
      ev(flow, 'u4', 'welcome', 'failed', T0 + 1_000, { version: 'v2', message: 'sailthru: 400 template not found' }),
      ev(flow, 'u4', FLOW_STEP, 'failed', T0 + 2_000, { version: 'v2', message: 'step welcome failed: sailthru: 400 template not found' }),
    ];
    await log.record(events);
    const all = await log.numbers(flow);
    expect(all).toMatchObject({ entered: 4, completed: 3, failed: 1 });
    expect(all.steps.welcome).toMatchObject({ entered: 4, sent: 3, failed: 1, retried: 1 });
    expect(all.steps.vip!.branches).toEqual({ then: 1, else: 2 });
    expect((await log.numbers(flow, { version: 'v2' })).steps.vip!.branches).toEqual({ else: 1 });
    const lastTwoDays = await log.numbers(flow, { since: T0 - DAY });
    expect(lastTwoDays.entered).toBe(3);
    expect(lastTwoDays.trend.slice(0, 2)).toEqual([
      { day: '2026-03-09', entered: 1 },
      { day: '2026-03-10', entered: 2 },
    ]);
    expect(all.trend.slice(0, 4).map((d) => d.entered)).toEqual([1, 0, 1, 2]);

    const failures = await log.latest(flow, 'welcome', 'failed');
    expect(failures.map((e) => [e.userId, e.message])).toEqual([['u4', 'sailthru: 400 template not found']]);
    expect(await log.latest(flow, 'welcome', 'failed', { version: 'v1' })).toEqual([]);
    expect((await log.latest(flow, 'welcome', 'sent', { limit: 2 })).map((e) => e.userId)).toEqual(['u3', 'u2']);

    const path = await log.run(`flow/${flow}/u2`);
    expect(path.map((e) => `${e.step}/${e.outcome}${e.branch ? `/${e.branch}` : ''}`)).toEqual([
      `${FLOW_STEP}/entered`,
      'welcome/entered',
      'welcome/sent',
      'vip/entered',
      'vip/branch/else',
      `${FLOW_STEP}/completed`,
    ]);
    expect(await log.run(`flow/${flow}/u2`, 'another-run')).toEqual([]);

    await log.recordVersion(ir(flow, 'v1'), T0 - 3 * DAY);
    await log.recordVersion(ir(flow, 'v2'), T0);
    await log.recordVersion(ir(flow, 'v1'), T0 + DAY); // seen again: keeps its first time
    expect((await log.versions(flow)).map((v) => [v.version, v.firstSeen, v.ir.version])).toEqual([
      ['v2', T0, 'v2'],
      ['v1', T0 - 3 * DAY, 'v1'],
    ]);
  });

  it('counts exits by the way the runs left (the studio numbers each exit box by it), and they add up to exited', async () => {
    const log = make();
    const flow = `exits-${name.split(' ')[0]}`;
    const left = (user: string, reason: string, at: number) => [
      ev(flow, user, FLOW_STEP, 'entered', at),
      ev(flow, user, 'welcome', 'entered', at),
      ev(flow, user, 'welcome', 'exited', at + 5, { message: reason }),
      ev(flow, user, FLOW_STEP, 'exited', at + 5, { message: reason }),
    ];
    await log.record([
      ...left('a', 'exit_when: purchase', T0),
      ...left('b', 'exit_when: purchase', T0 + 1),
      ...left('c', 'goal reached: upgrade', T0 + 2),
      ...run(flow, 'd', T0 + 3, 'then'),
    ]);
    const numbers = await log.numbers(flow);
    expect(numbers).toMatchObject({ entered: 4, completed: 1, exited: 3 });
    expect(numbers.exits).toEqual({ 'exit_when: purchase': 2, 'goal reached: upgrade': 1 });
    expect(numbers.steps.welcome!.exited).toBe(3);
  });

  it('lists the latest events of a step newest first, beyond what it keeps in memory', async () => {
    const log = make();
    const flow = `latest-${Math.random().toString(36).slice(2, 8)}`;
    const failures = Array.from({ length: 30 }, (_, i) =>
      ev(flow, `u${i}`, 'welcome', 'failed', T0 - i * 3_600_000, { message: `no ${i}` }),
    );
    await log.record([...failures].reverse());
    expect((await log.latest(flow, 'welcome', 'failed')).map((e) => e.message)).toEqual(failures.slice(0, 20).map((e) => e.message));
    expect((await log.latest(flow, 'welcome', 'failed', { limit: 25 })).map((e) => e.message)).toEqual(
      failures.slice(0, 25).map((e) => e.message),
    );
  });

  it('refuses an event whose id is not the deterministic one', async () => {
    const log = make();
    const e = ev('bad-id', 'ada', 'welcome', 'sent', T0);
    await expect(log.record([{ ...e, id: 'random-uuid' }])).rejects.toThrow(/is not 'flow\/bad-id\/ada\/run-ada\/welcome\/sent'/);
  });

  it('counts each conversion once, per goal for the flow, per branch for a split and per last-touch step, with values summed', async () => {
    const log = make();
    const flow = `goals-${Math.random().toString(36).slice(2, 8)}`;
    const bought = (user: string, branch: string, value: number | undefined, at: number) => [
      ev(flow, user, FLOW_STEP, 'converted', at, { goal: 'purchase', value }),
      ev(flow, user, 'ab', 'converted', at, { goal: 'purchase', branch, value }),
      ev(flow, user, 'welcome', 'converted', at, { goal: 'purchase', value }),
    ];
    const runOf = (user: string, branch: string) => [
      ev(flow, user, FLOW_STEP, 'entered', T0),
      ev(flow, user, 'ab', 'branch', T0, { branch }),
      ev(flow, user, 'welcome', 'sent', T0 + 5),
    ];
    const events = [
      ...runOf('u1', 'a'),
      ...runOf('u2', 'b'),
      ...runOf('u3', 'a'),
      ...runOf('u4', 'b'),
      ...bought('u1', 'a', 30, T0 + DAY), // after the run ended, on another day
      ev(flow, 'u1', FLOW_STEP, 'converted', T0 + DAY, { goal: 'signup' }), // a goal without a value
      ...bought('u2', 'b', 12.5, T0 + 60_000),
      ...bought('u3', 'a', 7, T0 + 60_000),
    ];
    await log.record(events);
    await log.record(bought('u1', 'a', 30, T0 + DAY)); // the conversion recorded twice
    await log.record(events); // a retried batch
    expect(events.at(-2)!.id).toBe(`flow/${flow}/u3/run-u3/ab/converted/purchase/a`);

    const numbers = await log.numbers(flow);
    expect(numbers).toMatchObject({ entered: 4, completed: 0 });
    expect(numbers.goals).toEqual({ purchase: { converted: 3, value: 49.5 }, signup: { converted: 1, value: 0 } });
    expect(numbers.steps.ab).toEqual({
      entered: 0,
      sent: 0,
      failed: 0,
      retried: 0,
      exited: 0,
      branches: { a: 2, b: 2 },
      conversions: {},
      branchConversions: { a: { purchase: { converted: 2, value: 37 } }, b: { purchase: { converted: 1, value: 12.5 } } },
    });
    expect(numbers.steps.welcome).toMatchObject({
      sent: 4,
      conversions: { purchase: { converted: 3, value: 49.5 } },
      branchConversions: {},
    });
    // the window counts conversions by their own time
    expect((await log.numbers(flow, { since: T0 + DAY })).goals).toEqual({
      purchase: { converted: 1, value: 30 },
      signup: { converted: 1, value: 0 },
    });
    const u1 = await log.run(`flow/${flow}/u1`);
    expect(u1.filter((e) => e.outcome === 'converted').map((e) => [e.step, e.goal, e.branch, e.value])).toEqual([
      [FLOW_STEP, 'purchase', undefined, 30],
      ['ab', 'purchase', 'a', 30],
      ['welcome', 'purchase', undefined, 30],
      [FLOW_STEP, 'signup', undefined, undefined],
    ]);
    expect(await log.has(events.at(-1)!.id, T0 + 60_000)).toBe(true);
  });

  it('refuses a conversion without a goal or with a value that is not a number', async () => {
    const log = make();
    const noGoal = ev('bad-goal', 'ada', FLOW_STEP, 'converted', T0);
    await expect(log.record([noGoal])).rejects.toThrow(/names no goal/);
    const nan = ev('bad-goal', 'ada', FLOW_STEP, 'converted', T0, { goal: 'purchase', value: Number.NaN });
    await expect(log.record([nan])).rejects.toThrow(/value that is not a number/);
  });

  it("gives every event of one user's runs that entered since a time, across days, and nobody else's", async () => {
    const log = make();
    const flow = `user-runs-${Math.random().toString(36).slice(2, 8)}`;
    const since = T0 - DAY;
    const old = [
      ev(flow, 'ada', FLOW_STEP, 'entered', T0 - 3 * DAY, { runId: 'r1' }),
      ev(flow, 'ada', FLOW_STEP, 'converted', T0, { runId: 'r1', goal: 'purchase', value: 5 }), // its run entered too early
    ];
    const ended = [
      ev(flow, 'ada', FLOW_STEP, 'entered', since + 3_600_000, { runId: 'r2' }),
      ev(flow, 'ada', 'welcome', 'sent', since + 3_600_100, { runId: 'r2' }),
      ev(flow, 'ada', FLOW_STEP, 'completed', since + 3_600_200, { runId: 'r2' }),
      ev(flow, 'ada', FLOW_STEP, 'converted', T0 + DAY, { runId: 'r2', goal: 'purchase', value: 9 }), // after it ended
    ];
    const running = [
      ev(flow, 'ada', FLOW_STEP, 'entered', T0 + 7_200_000, { runId: 'r3' }),
      ev(flow, 'ada', 'welcome', 'entered', T0 + 7_200_000, { runId: 'r3' }),
    ];
    const others = [
      ...run(flow, 'bob', T0, 'then'),
      ...run(`${flow}-other`, 'ada', T0, 'then'), // the same user in another flow
    ];
    await log.record([...others, ...running, ...old, ...ended]);
    expect((await log.userRuns(flow, 'ada', since)).map((e) => e.id)).toEqual(
      [...ended.slice(0, 3), ...running, ended[3]!].map((e) => e.id),
    );
    expect((await log.userRuns(flow, 'ada', T0 + DAY + 1)).map((e) => e.id)).toEqual([]);
    expect((await log.userRuns(flow, 'carol', since)).map((e) => e.id)).toEqual([]);
    expect((await log.userRuns(flow, 'ada', T0 - 3 * DAY)).map((e) => e.id)).toEqual(
      [old[0]!, ...ended.slice(0, 3), old[1]!, ...running, ended[3]!].map((e) => e.id),
    );
  });

  it('keeps the first winner of a split when two deciders record different branches at once', async () => {
    const log = make();
    const flow = `winner-${Math.random().toString(36).slice(2, 8)}`;
    const decision = (branch: string) => ({
      flowId: flow,
      step: 'ab',
      branch,
      at: T0,
      version: 'v1',
      goal: 'purchase',
      reason: `${branch} won`,
    });
    const [first, second] = await Promise.all([log.recordDecision(decision('a')), log.recordDecision(decision('b'))]);
    expect(second).toEqual(first);
    expect(['a', 'b']).toContain(first.branch);
    expect(await log.recordDecision({ ...decision('control'), at: T0 + DAY })).toEqual(first);
    await log.recordDecision({ ...decision('b'), step: 'colors' });
    expect(await log.decisions(flow)).toEqual([first, { ...decision('b'), step: 'colors' }]);
    expect(await log.decisions(`${flow}-none`)).toEqual([]);
  });
});

describe('embedded file log across processes and restarts', () => {
  it('a reader sees what another writer appended, and a second writer adds nothing twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'step-log-shared-'));
    const [worker, otherWorker, studio] = [new FileStepLog(dir), new FileStepLog(dir), new FileStepLog(dir)];
    const first = run('shared', 'a', T0, 'then');
    await worker.record(first);
    expect((await studio.numbers('shared')).entered).toBe(1);
    await otherWorker.record([...first, ...run('shared', 'b', T0, 'else')]); // a retry on another worker, plus a new run
    await worker.record(run('shared', 'b', T0, 'else'));
    const numbers = await studio.numbers('shared');
    expect(numbers.entered).toBe(2);
    expect(numbers.steps.vip!.branches).toEqual({ then: 1, else: 1 });
  });

  it('two writers recording the same runs at once, record after record, count each run once and both finish', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'step-log-busy-'));
    const [worker, otherWorker, studio] = [new FileStepLog(dir), new FileStepLog(dir), new FileStepLog(dir)];
    // Each writer records every run's events one call at a time, all at once (groups queue behind
    // each other's appends); every run goes in through both, as a retry on another worker would.
    const runs = Array.from({ length: 150 }, (_, i) => run('busy', `u${i}`, T0 + i, i % 3 === 0 ? 'then' : 'else'));
    const recordAll = (log: FileStepLog) => Promise.all(runs.flatMap((events) => events.map((e) => log.record([e]))));
    await Promise.all([recordAll(worker), recordAll(otherWorker)]);
    const numbers = await studio.numbers('busy');
    expect(numbers.entered).toBe(150);
    expect(numbers.completed).toBe(150);
    expect(numbers.steps.vip!.branches).toEqual({ then: 50, else: 100 });
    // The day file holds each event once (readers count its lines without remembering ids).
    const [day] = readdirSync(join(dir, 'flows', 'busy')).filter((n) => n.endsWith('.log'));
    const lines = readFileSync(join(dir, 'flows', 'busy', day!), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines).toHaveLength(150 * 6);
  });

  it('a restarted process has the same numbers; a line torn by a crash counts nothing and spoils nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'step-log-restart-'));
    const log = new FileStepLog(dir);
    for (let i = 0; i < 50; i++) await log.record(run('restart', `u${i}`, T0 + i, i % 2 ? 'then' : 'else'));
    const before = await log.numbers('restart');
    const file = join(
      dir,
      'flows',
      'restart',
      readdirSync(join(dir, 'flows', 'restart')).find((f) => f.endsWith('.log'))!,
    );
    appendFileSync(file, '\n{"id":"flow/restart/torn/run-torn/$flow/ent'); // the crash
    const restarted = new FileStepLog(dir);
    expect(await restarted.numbers('restart')).toEqual(before);
    await restarted.record(run('restart', 'torn', T0, 'then')); // its run records it again
    expect((await restarted.numbers('restart')).entered).toBe(51);
    expect((await new FileStepLog(dir).numbers('restart')).entered).toBe(51);
  });
});

describe('conversions, user runs and winners across restarts and upgrades', () => {
  const purchase = (flow: string, user: string, at: number, value: number) => [
    ev(flow, user, FLOW_STEP, 'converted', at, { goal: 'purchase', value }),
    ev(flow, user, 'vip', 'converted', at, { goal: 'purchase', branch: 'then', value }),
  ];
  const decision = (flow: string, branch: string) => ({
    flowId: flow,
    step: 'vip',
    branch,
    at: T0,
    version: 'v1',
    goal: 'purchase',
    reason: 'r',
  });

  it('a restarted file log keeps conversions, winners and user runs; two processes deciding at once keep one winner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'step-log-goals-'));
    const [worker, otherWorker] = [new FileStepLog(dir), new FileStepLog(dir)];
    await worker.record([
      ...run('goals', 'ada', T0, 'then'),
      ...run('goals', 'bob', T0, 'then'),
      ...purchase('goals', 'ada', T0 + DAY, 20),
    ]);
    await otherWorker.record(purchase('goals', 'bob', T0 + 2 * DAY, 5));
    const [a, b] = await Promise.all([
      worker.recordDecision(decision('goals', 'then')),
      otherWorker.recordDecision(decision('goals', 'else')),
    ]);
    expect(b).toEqual(a);
    expect(readdirSync(join(dir, 'flows', 'goals')).filter((f) => f.endsWith('.sum.json'))).toHaveLength(3); // the restart reads the saves

    const restarted = new FileStepLog(dir);
    await restarted.record(purchase('goals', 'ada', T0 + DAY, 20)); // a retry after the restart
    const numbers = await restarted.numbers('goals');
    expect(numbers.goals).toEqual({ purchase: { converted: 2, value: 25 } });
    expect(numbers.steps.vip!.branchConversions).toEqual({ then: { purchase: { converted: 2, value: 25 } } });
    expect(await restarted.decisions('goals')).toEqual([a]);
    expect(await restarted.recordDecision(decision('goals', 'else'))).toEqual(a);
    expect((await restarted.userRuns('goals', 'bob', T0)).map((e) => `${e.step}/${e.outcome}`)).toEqual([
      ...run('goals', 'bob', T0, 'then').map((e) => `${e.step}/${e.outcome}`),
      `${FLOW_STEP}/converted`,
      'vip/converted',
    ]);
  });

  it('a step-log folder written before conversions (old lines, old saved counters) still counts, and learns conversions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'step-log-old-'));
    const folder = join(dir, 'flows', 'legacy');
    mkdirSync(folder, { recursive: true });
    const lines = run('legacy', 'ada', T0, 'then')
      .map((e) => `\n${JSON.stringify(e)}\n`)
      .join('');
    writeFileSync(join(folder, '2026-03-10.log'), lines);
    // counters saved by the old layout (5-part keys, bare counts); wrong on purpose: they must not be used
    const old = { offset: Buffer.byteLength(lines), rollup: [[`v1\t${FLOW_STEP}\tentered\t\t${T0}`, 99]], latest: [], runs: [] };
    writeFileSync(join(folder, '2026-03-10.sum.json'), JSON.stringify(old));

    const log = new FileStepLog(dir);
    expect(await log.numbers('legacy')).toMatchObject({ entered: 1, completed: 1, goals: {} });
    await log.record([...run('legacy', 'ada', T0, 'then'), ...purchase('legacy', 'ada', T0 + 60_000, 3)]);
    const numbers = await new FileStepLog(dir).numbers('legacy');
    expect(numbers).toMatchObject({ entered: 1, completed: 1, goals: { purchase: { converted: 1, value: 3 } } });
    expect(numbers.steps.vip!.branches).toEqual({ then: 1 });
    expect(await log.userRuns('legacy', 'ada', T0)).toHaveLength(8);
  });

  it('a PostgreSQL database created before conversions is upgraded in place and keeps its events and counts', async () => {
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('create database before_goals');
    await admin.end();
    const url = postgres.url.replace(/\/postgres$/, '/before_goals');
    const old = new pg.Client({ connectionString: url });
    await old.connect();
    await old.query(`
      create table flowline_step_events (id text primary key, flow_id text not null, version text not null,
        workflow_id text not null, run_id text not null, user_id text not null, step text not null, outcome text not null,
        branch text, message text, at bigint not null, ord int not null);
      create table flowline_step_rollup (flow_id text not null, version text not null, step text not null,
        outcome text not null, branch text not null, hour bigint not null, n bigint not null,
        primary key (flow_id, version, step, outcome, branch, hour));
      create table flowline_flow_versions (flow_id text not null, version text not null, first_seen bigint not null,
        ir jsonb not null, primary key (flow_id, version));`);
    const events = run('legacy', 'ada', T0, 'then');
    for (const [i, e] of events.entries()) {
      await old.query(
        `insert into flowline_step_events (id, flow_id, version, workflow_id, run_id, user_id, step, outcome, branch, message, at, ord)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, null, $10, $11)`,
        [e.id, e.flowId, e.version, e.workflowId, e.runId, e.userId, e.step, e.outcome, e.branch ?? null, e.at, i + 1],
      );
    }
    await old.query(`insert into flowline_step_rollup select flow_id, version, step, outcome, coalesce(branch, ''),
      (at / 3600000) * 3600000, count(*) from flowline_step_events group by 1, 2, 3, 4, 5, 6`);
    await old.end();

    const log = await PostgresStepLog.open(url);
    const again = await PostgresStepLog.open(url); // a second process: the upgrade is done once
    try {
      await log.record([...events, ...purchase('legacy', 'ada', T0 + 60_000, 3)]); // the old events again count nothing
      await again.record(purchase('legacy', 'ada', T0 + 60_000, 3));
      const numbers = await again.numbers('legacy');
      expect(numbers).toMatchObject({ entered: 1, completed: 1, goals: { purchase: { converted: 1, value: 3 } } });
      expect(numbers.steps.vip).toMatchObject({
        entered: 1,
        branches: { then: 1 },
        branchConversions: { then: { purchase: { converted: 1, value: 3 } } },
      });
      expect((await log.userRuns('legacy', 'ada', T0)).map((e) => e.id)).toEqual(
        [...events, ...purchase('legacy', 'ada', T0 + 60_000, 3)].map((e) => e.id),
      );
      expect(await log.recordDecision(decision('legacy', 'then'))).toEqual(decision('legacy', 'then'));
      expect(await again.decisions('legacy')).toEqual([decision('legacy', 'then')]);
    } finally {
      await log.close();
      await again.close();
    }
  });
});

it('openStepLog picks the backend of the profile store', async () => {
  expect(await openStepLog(mkdtempSync(join(tmpdir(), 'd-')), {})).toBeInstanceOf(FileStepLog);
  const log = await openStepLog('/unused', { FLOWLINE_DATABASE_URL: postgres.url });
  expect(log).toBeInstanceOf(PostgresStepLog);
  await (log as PostgresStepLog).close();
  await expect(openStepLog('/unused', { FLOWLINE_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow(
    /step log at FLOWLINE_DATABASE_URL/,
  );
});
