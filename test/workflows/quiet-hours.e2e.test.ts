import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { FileStepLog } from '../../store/file-step-log.ts';
import { stateQuery } from '../../workflows/messages.ts';
import { quietUntil } from '../../workflows/quiet-hours.ts';
import { configWith } from '../helpers/config-with.ts';
import { compile, harness } from '../helpers/temporal.ts';
import { waitForState } from '../helpers/wait-state.ts';

const HOUR = 3_600_000;

/** The local date (yyyy-MM-dd) of the zone's next change of UTC offset after `now`. */
function nextDstDay(zone: string, now: number): DateTime {
  let t = DateTime.fromMillis(now, { zone }).startOf('hour');
  const offset = t.offset;
  while (t.offset === offset) t = t.plus({ hours: 1 });
  return t.startOf('day');
}

describe('quiet hours in flows.config.yaml', () => {
  it('reads the window, its default `then: wait` and the default zone field', () => {
    const { config, diagnostics } = configWith('quiet_hours: { from: "21:00", to: "08:00" }');
    expect(diagnostics).toEqual([]);
    expect(config.guardrails?.quietHours).toEqual({
      from: { hour: 21, minute: 0 },
      to: { hour: 8, minute: 0 },
      then: 'wait',
      timezone: { field: ['profile', 'attributes', 'timezone'] },
    });
  });

  it('refuses a time that is not HH:MM, an empty window and a zone that is not one', () => {
    const bad = (yaml: string) => configWith(yaml).diagnostics.map((d) => [d.rule, d.message]);
    expect(bad('quiet_hours: { from: "9pm", to: "08:00" }')).toEqual([['wait-until', '"9pm" is not a time of day']]);
    expect(bad('quiet_hours: { from: "25:00", to: "08:00" }')).toEqual([['wait-until', '"25:00" is not a time of day']]);
    expect(bad('quiet_hours: { from: "08:00", to: "08:00" }')).toEqual([
      ['invalid-value', 'quiet_hours from and to are both 08:00: the window is empty'],
    ]);
    expect(bad('quiet_hours: { from: "21:00", to: "08:00", timezone: Mars/Olympus }')).toEqual([
      ['time-zone', "'Mars/Olympus' is not an IANA time zone"],
    ]);
  });

  it('holds a send inside the window until its end, by the local clock across a DST change', () => {
    const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();
    const window = [
      { hour: 21, minute: 0 },
      { hour: 8, minute: 0 },
    ] as const;
    // Berlin leaves summer time on 2027-10-31: 22:00 CEST to 08:00 CET is 11 hours.
    const ends = quietUntil(at('2027-10-30T22:00', 'Europe/Berlin'), 'Europe/Berlin', ...window)!;
    expect(DateTime.fromMillis(ends, { zone: 'Europe/Berlin' }).toISO()).toBe('2027-10-31T08:00:00.000+01:00');
    expect(ends - at('2027-10-30T22:00', 'Europe/Berlin')).toBe(11 * HOUR);
    expect(quietUntil(at('2027-10-30T20:59', 'Europe/Berlin'), 'Europe/Berlin', ...window)).toBeUndefined();
    expect(quietUntil(at('2027-10-31T08:00', 'Europe/Berlin'), 'Europe/Berlin', ...window)).toBeUndefined();
    // A window within one day.
    expect(
      quietUntil(at('2027-03-14T12:30', 'America/New_York'), 'America/New_York', { hour: 12, minute: 0 }, { hour: 14, minute: 0 }),
    ).toBe(at('2027-03-14T14:00', 'America/New_York'));
  });
});

describe('quiet hours on the real stack, across the next DST change in two zones', () => {
  it('sends held at night go out at 08:00 local the morning the clocks change; per step skip and ignore apply', async () => {
    const { config } = configWith('quiet_hours: { from: "21:00", to: "08:00" }');
    const log = new FileStepLog(mkdtempSync(join(tmpdir(), 'quiet-log-')));
    const h = await harness('time-skipping', { config, stepLog: log });
    try {
      const now = Date.now();
      const runs = [];
      for (const [user, zone] of [
        ['in-berlin', 'Europe/Berlin'],
        ['in-new-york', 'America/New_York'],
      ] as const) {
        await h.profiles.update(user, (p) => void (p.attributes.timezone = zone));
        const day = nextDstDay(zone, now);
        // Reach the first send at 22:00 local the evening before the change.
        const evening = day.minus({ days: 1 }).set({ hour: 22 }).toMillis();
        const flow = compile(
          `
flow: quiet-${user}
trigger: { event: go }
steps:
  - wait: ${Math.ceil((evening - now) / 1000)}s
  - send_email: { destination: sailthru, template: morning }
    id: held
  - wait: 14h
  - send_email: { destination: sailthru, template: skipped }
    id: skipped
    quiet_hours: skip
  - send_email: { destination: sailthru, template: anyway }
    id: anyway
    quiet_hours: ignore
`,
          config,
        );
        const started = await h.start(flow, user, { name: 'go' });
        runs.push({ user, zone, day, flow: flow.flow, handle: h.env.client.workflow.getHandle(started.workflowId) });
      }
      // Skip to the evening: the first send waits for quiet hours to end, and says so.
      const berlin = runs[0]!;
      await h.env.sleep(berlin.day.minus({ hours: 1 }).toMillis() - now);
      const held = await waitForState(berlin.handle, (s) => s.waiting?.kind === 'quiet_hours');
      expect(held.held).toEqual([
        expect.objectContaining({ step: 'held', outcome: 'delayed', reason: 'quiet hours 21:00–08:00 Europe/Berlin' }),
      ]);
      const metadata = (await berlin.handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
      expect(metadata.currentDetails).toMatch(/Waiting \(quiet_hours\) until \d{4}-/);
      expect(metadata.currentDetails).toContain('Held back: `held` delayed until');

      for (const run of runs) {
        await run.handle.result();
        const events = await log.run(run.handle.workflowId);
        const sent = (step: string) => events.find((e) => e.step === step && e.outcome === 'sent')?.at;
        const local = (ms: number | undefined) => DateTime.fromMillis(ms!, { zone: run.zone }).toFormat('yyyy-MM-dd HH:mm');
        expect(local(sent('held')), run.user).toBe(`${run.day.toFormat('yyyy-MM-dd')} 08:00`);
        expect(sent('skipped')).toBeUndefined();
        expect(events.some((e) => e.step === 'skipped' && e.outcome === 'skipped_quiet')).toBe(true);
        expect(local(sent('anyway'))).toBe(`${run.day.toFormat('yyyy-MM-dd')} 22:00`);
        const numbers = await log.numbers(run.flow);
        expect(numbers.steps.held).toMatchObject({ sent: 1, delayed: 1 });
        expect(numbers.steps.skipped).toMatchObject({ sent: 0, skipped_quiet: 1 });
        const state = await run.handle.query(stateQuery);
        expect(state.held?.map((x) => x.outcome)).toEqual(['delayed', 'skipped_quiet']);
      }
      expect(
        h
          .calls()
          .map((c) => (c.call as { template: string }).template)
          .sort(),
      ).toEqual(['anyway', 'anyway', 'morning', 'morning']);
    } finally {
      await h.close();
    }
  }, 180_000);
});
