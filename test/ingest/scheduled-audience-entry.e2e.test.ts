import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowIR } from '../../dsl/language/ir.ts';
import { startEntries, type RunningEntries } from '../../ingest/entries-worker.ts';
import { entryActivities } from '../../ingest/scheduled-entries.ts';
import type { StartDeps } from '../../ingest/start-run.ts';
import { scheduleId, syncSchedules } from '../../ingest/schedules.ts';
import { temporalSettings } from '../../temporal/connection.ts';
import type { EnterPageRequest, EntryTotals, ScheduledEntriesInput } from '../../workflows/scheduled-entries.ts';
import { FLOW_TASK_QUEUE } from '../../workflows/task-queues.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';

let h: Harness;
let entries: RunningEntries;
let flows: FlowIR[] = [];
const MEMBERS = 10_000;

const vipNever = compile(`
flow: vip-never
trigger: { audience: vip, schedule: "mon,thu 10:00", enter: all }
entry: { reentry: never }
steps: [ exit ]
`);
const goldNew = compile(`
flow: gold-new
trigger: { audience: gold, schedule: "daily 09:30", timezone: Europe/Paris }
entry: { reentry: always }
steps: [ exit ]
`);

/** The ingest side of scheduled entries, as `flows ingest` runs it, against the test server. */
const entriesOptions = () => ({
  settings: { ...temporalSettings({}), namespace: h.env.namespace ?? 'default' },
  connection: h.env.nativeConnection,
  client: h.env.client,
  deps: { client: h.env.client, profiles: h.profiles, config: h.config },
  flows: () => flows,
  log: () => {},
});

beforeAll(async () => {
  h = await harness('dev');
  entries = await startEntries(entriesOptions());
  // 10,000 VIPs; the first 300 are also gold; every 100th profile is in every-100th; 50 profiles in no VIP.
  const ids = Array.from({ length: MEMBERS + 50 }, (_, i) => `u${String(i).padStart(5, '0')}`);
  for (let i = 0; i < ids.length; i += 250) {
    await Promise.all(
      ids.slice(i, i + 250).map((id, j) =>
        h.profiles.update(id, (p) => {
          p.attributes.n = i + j;
          if (i + j < MEMBERS) p.audiences.push('vip');
          if (i + j < 300) p.audiences.push('gold');
          if ((i + j) % 100 === 0) p.audiences.push('every-100th');
        }),
      ),
    );
  }
}, 600_000);

afterAll(async () => {
  await entries?.close();
  await h?.close();
});

/** Fires a flow's schedule now (as its cadence would) and waits for the firing to finish, through every continue-as-new. */
async function fire(flow: string): Promise<EntryTotals & { runs: number }> {
  const schedule = h.env.client.schedule.getHandle(scheduleId(flow));
  const before = (await schedule.describe()).info.recentActions.length;
  await schedule.trigger();
  let action;
  while (!(action = (await schedule.describe()).info.recentActions[before])) await new Promise((r) => setTimeout(r, 200));
  const { workflowId, firstExecutionRunId } = action.action.workflow;
  const totals = await h.env.client.workflow.getHandle(workflowId).result();
  // How many workflow runs the firing took: each but the last ends in a continue-as-new.
  let runs = 0;
  for (let runId: string | null | undefined = firstExecutionRunId; runId; runs++) {
    const history = await h.env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return { ...(totals as EntryTotals), runs };
}

describe('scheduled audience entries on the dev server', () => {
  it('enters 10,000 members on a firing in pages over several workflow runs, and never again under reentry never', async () => {
    flows = [vipNever];
    await entries.sync(flows);
    const first = await fire('vip-never');
    expect(first).toMatchObject({ members: MEMBERS, started: MEMBERS, notStarted: {} });
    expect(first.runs).toBeGreaterThan(1); // continued as new: no one huge history
    const second = await fire('vip-never');
    expect(second).toMatchObject({ members: MEMBERS, started: 0, notStarted: { 'already-entered': MEMBERS } });
    expect(await h.profiles.entries('vip-never', 'u00042')).toHaveLength(1);
  }, 900_000);

  it('with enter: new, a second firing enters only members who joined since, even under reentry always', async () => {
    flows = [vipNever, goldNew];
    await entries.sync(flows);
    expect((await fire('gold-new')).started).toBe(300);
    await h.profiles.update('u09999', (p) => p.audiences.push('gold'));
    const second = await fire('gold-new');
    expect(second).toMatchObject({ members: 301, started: 1, notStarted: { 'entered-before': 300 } });
  }, 300_000);
});

describe('a firing interrupted', () => {
  it('resumes at its cursor when the entries worker restarts mid-firing: every member enters once', async () => {
    const spread = compile(`
flow: spread-all
trigger: { audience: every-100th, schedule: "daily 08:00", enter: all }
entry: { reentry: always }
steps: [ exit ]
`);
    flows = [spread];
    // Pages of 500 of the 10,050 profiles, 2 pages per workflow run: the restart lands after
    // the first continue-as-new, with 10 of the 101 members entered.
    const handle = await h.env.client.workflow.start('scheduledEntries', {
      taskQueue: FLOW_TASK_QUEUE,
      workflowId: 'entries/spread-all-restart',
      args: [{ flow: 'spread-all', pageSize: 500, pagesPerRun: 2 } satisfies ScheduledEntriesInput],
    });
    while ((await handle.describe()).runId === handle.firstExecutionRunId) await new Promise((r) => setTimeout(r, 100));
    await entries.close();
    entries = await startEntries(entriesOptions());
    const totals = await handle.result();
    // A page done twice would show as duplicate-event refusals; a page skipped as fewer members.
    expect(totals.notStarted).toEqual({});
    expect(totals.started).toBe(totals.members);
    expect(totals.members).toBe(101);
  }, 300_000);
});

/** `target` with one member replaced; its other methods still called on `target`. */
function replacing<T extends object>(target: T, name: keyof T, value: unknown): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === name) return value;
      const member: unknown = Reflect.get(t, prop, t);
      return typeof member === 'function' ? member.bind(t) : member;
    },
  });
}

/**
 * The entries activity run on `deps` changed by `failing` (it must fail with `error`), then retried
 * as Temporal retries it, from the details it last heartbeated: those details, and the retry's result.
 */
async function cutShortThenRetried(flow: FlowIR, request: EnterPageRequest, failing: Partial<StartDeps>, error: RegExp) {
  const deps = { ...entriesOptions().deps, flows: () => [flow] };
  const first = new MockActivityEnvironment();
  let progress: unknown;
  first.on('heartbeat', (details: unknown) => (progress = structuredClone(details)));
  await expect(first.run(entryActivities({ ...deps, ...failing }).enterScheduledPage, request)).rejects.toThrow(error);
  // A copy, as Temporal decodes one: the retry adds its pages to what it resumes from.
  const retry = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: structuredClone(progress) });
  return { progress, result: await retry.run(entryActivities(deps).enterScheduledPage, request) };
}

describe('a call cut short', () => {
  it('is retried from the last page it heartbeated: nobody entered twice, nobody skipped', async () => {
    const gold = compile(`
flow: gold-always
trigger: { audience: gold, schedule: "daily 07:00", enter: all }
entry: { reentry: always }
steps: [ exit ]
`);
    // The store goes away at the third page read, while the second page's members enter.
    let reads = 0;
    const pageProfiles: typeof h.profiles.pageProfiles = (query) =>
      ++reads === 3 ? Promise.reject(new Error('the profile store went away')) : h.profiles.pageProfiles(query);
    const request: EnterPageRequest = { flow: 'gold-always', at: Date.UTC(2026, 0, 5, 7), limit: 100, pages: 3 };
    const { progress, result } = await cutShortThenRetried(
      gold,
      request,
      { profiles: replacing(h.profiles, 'pageProfiles', pageProfiles) },
      /went away/,
    );
    expect(progress).toMatchObject({ result: { pages: 2, members: 200, started: 200 } });
    // The first two pages are not entered again: they would show as duplicate-event refusals.
    expect(result).toMatchObject({ pages: 3, members: 300, started: 300, notStarted: {} });
  }, 120_000);

  it("after a start that failed, is retried from that start's page: its members entered once, the rest after it", async () => {
    const silver = compile(`
flow: silver-always
trigger: { audience: gold, schedule: "daily 06:00", enter: all }
entry: { reentry: always }
steps: [ exit ]
`);
    // Temporal refuses one start on the second page (u00150); the other members go on entering.
    const workflows = h.env.client.workflow;
    const start: typeof workflows.start = (type, options) =>
      options.workflowId.includes('/u00150/') ? Promise.reject(new Error('Temporal is unavailable')) : workflows.start(type, options);
    const request: EnterPageRequest = { flow: 'silver-always', at: Date.UTC(2026, 0, 5, 6), limit: 100, pages: 3 };
    const { progress, result } = await cutShortThenRetried(
      silver,
      request,
      { client: replacing(h.env.client, 'workflow', replacing(workflows, 'start', start)) },
      /unavailable/,
    );
    expect(progress).toMatchObject({ result: { pages: 1, members: 100, started: 100 } });
    // The second page again: its 99 runs already started are refused as this event's; u00150 enters now.
    expect(result).toMatchObject({ pages: 3, members: 300, started: 201, notStarted: { 'duplicate-event': 99 } });
  }, 120_000);
});

describe('the schedules follow the flows', () => {
  const spec = async (flow: string) => (await h.env.client.schedule.getHandle(scheduleId(flow)).describe()).spec;

  it('creates, updates and deletes schedules as flows are added, changed and removed, idempotently and from two processes at once', async () => {
    const sunday = compile(`
flow: weekly-digest
trigger: { audience: readers, schedule: "sun 18:00", timezone: America/New_York }
steps: [ exit ]
`);
    const birthday = compile(`
flow: birthday
trigger: { date: profile.attributes.birthday, anniversary: true, at: "08:15" }
steps: [ exit ]
`);
    await entries.sync([]); // from no schedules (the tests before made some)
    // Two processes reloading the same flows at once reach one set of schedules, without errors.
    const [a, b] = await Promise.all([
      entries.sync([vipNever, sunday, birthday]),
      syncSchedules(h.env.client, [vipNever, sunday, birthday], h.config),
    ]);
    expect([...(a?.created ?? []), ...b.created].sort()).toEqual([
      scheduleId('birthday'),
      scheduleId('vip-never'),
      scheduleId('weekly-digest'),
    ]);
    expect(await spec('weekly-digest')).toMatchObject({
      calendars: [
        {
          dayOfWeek: [{ start: 'SUNDAY', end: 'SUNDAY' }],
          hour: [{ start: 18, end: 18, step: 1 }],
          minute: [{ start: 0, end: 0, step: 1 }],
        },
      ],
      timezone: 'America/New_York',
    });
    // The date flow fires hourly at its minute.
    expect((await spec('birthday')).calendars?.[0]).toMatchObject({
      hour: [{ start: 0, end: 23, step: 1 }],
      minute: [{ start: 15, end: 15, step: 1 }],
    });

    // Nothing changed: nothing to do.
    expect(await entries.sync([vipNever, sunday, birthday])).toEqual({ created: [], updated: [], deleted: [] });

    // The digest moves to Monday; the birthday flow becomes an event flow; vip-never is paused.
    const monday = compile(`
flow: weekly-digest
trigger: { audience: readers, schedule: "mon 07:45", timezone: America/New_York }
steps: [ exit ]
`);
    const eventBirthday = compile(`
flow: birthday
trigger: { event: birthday }
steps: [ exit ]
`);
    const paused = compile(`
flow: vip-never
status: paused
trigger: { audience: vip, schedule: "mon,thu 10:00", enter: all }
entry: { reentry: never }
steps: [ exit ]
`);
    expect(await entries.sync([paused, monday, eventBirthday])).toEqual({
      created: [],
      updated: [scheduleId('vip-never'), scheduleId('weekly-digest')],
      deleted: [scheduleId('birthday')],
    });
    expect((await spec('weekly-digest')).calendars?.[0]).toMatchObject({
      dayOfWeek: [{ start: 'MONDAY' }],
      hour: [{ start: 7 }],
      minute: [{ start: 45 }],
    });
    expect((await h.env.client.schedule.getHandle(scheduleId('vip-never')).describe()).state.paused).toBe(true);

    // Every flow file removed: every Flowline schedule goes.
    await entries.sync([]);
    await expect(h.env.client.schedule.getHandle(scheduleId('weekly-digest')).describe()).rejects.toThrow(/not found/i);
    await expect(h.env.client.schedule.getHandle(scheduleId('vip-never')).describe()).rejects.toThrow(/not found/i);
    await expect(h.env.client.schedule.getHandle(scheduleId('gold-new')).describe()).rejects.toThrow(/not found/i);
  }, 120_000);
});
