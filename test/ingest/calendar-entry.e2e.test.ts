import { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FlowIR } from '../../dsl/language/ir.ts';
import { startEntries, type RunningEntries } from '../../ingest/entries-worker.ts';
import { temporalSettings } from '../../temporal/connection.ts';
import type { EntryTotals, ScheduledEntriesInput } from '../../workflows/scheduled-entries.ts';
import { FLOW_TASK_QUEUE } from '../../workflows/task-queues.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';

// Temporal's time-skipping server has no Schedules (schedule.create fails there), so this test
// plays the schedule: it moves the server's clock and starts the workflow the hourly schedule
// would start (test/ingest/scheduled-audience-entry.e2e.test.ts proves the schedules on the dev server).
// It waits through a plain client: the environment's own client lets the server skip time while
// it waits for a result, which would move the clock years past the moment under test.
let h: Harness;
let client: Client;
let entries: RunningEntries;
const flows: FlowIR[] = [];

const birthday = compile(`
flow: birthday
trigger:
  date: profile.attributes.birthday
  anniversary: true
  at: "09:00"
  timezone: profile.attributes.tz
steps:
  - exit
`);

beforeAll(async () => {
  h = await harness('time-skipping');
  client = new Client({ connection: h.env.connection });
  flows.push(birthday);
  entries = await startEntries({
    settings: { ...temporalSettings({}), namespace: h.env.namespace ?? 'default' },
    connection: h.env.nativeConnection,
    client: h.env.client,
    deps: { client: h.env.client, profiles: h.profiles, config: h.config, searchAttributes: false },
    flows: () => flows,
    log: () => {},
  });
  // Born on Feb 29 in New York; on Mar 1 in Tokyo; Carla has no date.
  await h.profiles.update('ann', (p) => Object.assign(p.attributes, { birthday: '1992-02-29', tz: 'America/New_York' }));
  await h.profiles.update('ben', (p) => Object.assign(p.attributes, { birthday: '1985-03-01T00:00:00Z', tz: 'Asia/Tokyo' }));
  await h.profiles.update('carla', (p) => Object.assign(p.attributes, { tz: 'Europe/Paris' }));
}, 120_000);

afterAll(async () => {
  await entries?.close();
  await h?.close();
});

let firing = 0;
/** One firing of the birthday flow's hourly schedule, at the server's current time. */
const fire = (): Promise<EntryTotals> =>
  client.workflow.execute('scheduledEntries', {
    taskQueue: FLOW_TASK_QUEUE,
    workflowId: `entries/birthday-${++firing}`,
    args: [{ flow: 'birthday' } satisfies ScheduledEntriesInput],
  });

/** Moves the server's clock to `at` (it never goes back). */
async function skipTo(at: DateTime): Promise<void> {
  const now = await h.env.currentTimeMs();
  if (at.toMillis() > now) await h.env.sleep(at.toMillis() - now);
}

it('enters each user once a year on the anniversary at 09:00 in their zone, for 3 years, Feb 29 on Feb 28 in other years', async () => {
  const start = DateTime.fromMillis(await h.env.currentTimeMs(), { zone: 'UTC' });
  const entered: string[] = [];
  for (let year = start.year + 1; year <= start.year + 3; year++) {
    const leap = DateTime.fromObject({ year }).isInLeapYear;
    const annAt = DateTime.fromObject({ year, month: 2, day: leap ? 29 : 28, hour: 9 }, { zone: 'America/New_York' });
    const benAt = DateTime.fromObject({ year, month: 3, day: 1, hour: 9 }, { zone: 'Asia/Tokyo' });

    // The hour before Ann's 09:00 in New York: nobody's moment has come.
    await skipTo(annAt.minus({ minutes: 59 }));
    expect((await fire()).started).toBe(0);
    // On the hour: Ann enters; a second firing in the same hour (a retry, an overlap) enters nobody.
    await skipTo(annAt.plus({ minutes: 1 }));
    expect(await fire()).toMatchObject({ started: 1, members: 2 });
    expect((await fire()).started).toBe(0);
    entered.push(`ann ${(await client.workflow.getHandle('flow/birthday/ann').describe()).startTime.toISOString().slice(0, 16)}`);

    // Ben's 09:00 in Tokyo is later that UTC day (Mar 1, 00:00 UTC).
    await skipTo(benAt.plus({ minutes: 1 }));
    expect((await fire()).started).toBe(1);
    expect((await fire()).started).toBe(0);
    entered.push(`ben ${(await client.workflow.getHandle('flow/birthday/ben').describe()).startTime.toISOString().slice(0, 16)}`);
  }
  // Entered at the minute the firing saw the moment: 09:01 local, Feb 28 but on Feb 29 in the leap year.
  const y = start.year;
  const feb = (year: number) => (DateTime.fromObject({ year }).isInLeapYear ? 29 : 28);
  expect(entered).toEqual(
    [y + 1, y + 2, y + 3].flatMap((year) => [
      `ann ${DateTime.fromObject({ year, month: 2, day: feb(year), hour: 9, minute: 1 }, { zone: 'America/New_York' })
        .toUTC()
        .toISO()!
        .slice(0, 16)}`,
      `ben ${DateTime.fromObject({ year, month: 3, day: 1, hour: 9, minute: 1 }, { zone: 'Asia/Tokyo' }).toUTC().toISO()!.slice(0, 16)}`,
    ]),
  );
}, 300_000);
