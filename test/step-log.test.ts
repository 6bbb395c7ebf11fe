import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowIR } from '../dsl/ir.ts';
import { FileStepLog } from '../profiles/file-step-log.ts';
import { openStepLog } from '../profiles/open.ts';
import { PostgresStepLog } from '../profiles/postgres-step-log.ts';
import { FLOW_STEP, type StepEvent, type StepLog, type StepOutcome } from '../profiles/step-log.ts';
import { stepEventId } from '../profiles/step-rollup.ts';
import { startPostgres } from './helpers/postgres.ts';

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
  extra: { branch?: string; message?: string; version?: string } = {},
): StepEvent {
  const { version = 'v1', ...rest } = extra;
  const e = { flowId, version, workflowId: `flow/${flowId}/${user}`, runId: `run-${user}`, userId: user, step, outcome, ...rest, at };
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

describe.each(logs)('%s', (_name, make) => {
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
      welcome: { entered: 1, sent: 1, failed: 0, retried: 0, exited: 0, branches: {} },
      vip: { entered: 1, sent: 0, failed: 0, retried: 0, exited: 0, branches: { then: 1 } },
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

it('openStepLog picks the backend of the profile store', async () => {
  expect(await openStepLog(mkdtempSync(join(tmpdir(), 'd-')), {})).toBeInstanceOf(FileStepLog);
  const log = await openStepLog('/unused', { FLOWLINE_DATABASE_URL: postgres.url });
  expect(log).toBeInstanceOf(PostgresStepLog);
  await (log as PostgresStepLog).close();
  await expect(openStepLog('/unused', { FLOWLINE_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow(
    /step log at FLOWLINE_DATABASE_URL/,
  );
});
