import { createHash } from 'node:crypto';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleOptions } from '@temporalio/client';
import type { FlowsConfig } from '../dsl/language/config.ts';
import type { FlowIR } from '../dsl/language/ir.ts';
import { FIRINGS_TASK_QUEUE } from '../workflows/task-queues.ts';
import { isTimed, type TimedFlow } from './scheduled-entries.ts';

/** Every schedule Flowline keeps has an id with this prefix; the rest of the id is the flow id. */
const SCHEDULE_PREFIX = 'flowline-entries/';
export const scheduleId = (flow: string): string => `${SCHEDULE_PREFIX}${flow}`;

const DAY_NAMES = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

/**
 * The schedule a timed flow needs. A scheduled audience fires at its times, in its zone (else the
 * config's). A date flow fires every hour at its `at` minute: each firing enters the users whose
 * date-and-time has come in their own zone since the one before (ingest/date-occurrence.ts).
 */
function scheduleFor(flow: TimedFlow, config: FlowsConfig): ScheduleOptions {
  const t = flow.trigger;
  const spec =
    t.kind === 'scheduled_audience'
      ? {
          calendars: t.schedule.times.map((time) => ({
            hour: time.hour,
            minute: time.minute,
            ...(t.schedule.days ? { dayOfWeek: t.schedule.days.map((d) => DAY_NAMES[d - 1]!) } : {}),
          })),
          timezone: t.timezone ?? config.timezone,
        }
      : { calendars: [{ hour: '*' as const, minute: t.at.minute }], timezone: 'UTC' };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'scheduledEntries',
    taskQueue: FIRINGS_TASK_QUEUE,
    workflowId: `entries/${flow.flow}`,
    args: [{ flow: flow.flow }],
  };
  const paused = flow.status !== 'active';
  // The note carries a hash of what the schedule should be, so a sync updates only what changed.
  const hash = createHash('sha256').update(JSON.stringify({ spec, action, paused })).digest('hex').slice(0, 12);
  return {
    scheduleId: scheduleId(flow.flow),
    spec,
    action,
    // A firing still paging when the next is due: the next is skipped (date flows look back two hours).
    policies: { overlap: 'SKIP', catchupWindow: '1 hour' },
    state: { paused, note: `Flowline: entries of ${flow.flow} (${flow.source}); spec ${hash}` },
  };
}

const specHash = (note: string | undefined): string | undefined => /spec (\w+)$/.exec(note ?? '')?.[1];

export interface SyncReport {
  created: string[];
  updated: string[];
  deleted: string[];
}

/**
 * Makes Temporal's schedules match the timed flows: creates the missing, updates the changed,
 * deletes those whose flow is gone or no longer timed. Idempotent, and safe when several
 * processes do it at once (each reaches the same end; "already exists" and "not found" are
 * taken as done). `known` holds ids this process manages, so a schedule created moments ago is
 * deleted even before Temporal's list shows it.
 */
export async function syncSchedules(
  client: Client,
  flows: readonly FlowIR[],
  config: FlowsConfig,
  known: Set<string> = new Set(),
): Promise<SyncReport> {
  const report: SyncReport = { created: [], updated: [], deleted: [] };
  const wanted = new Map(flows.filter(isTimed).map((f) => [scheduleId(f.flow), scheduleFor(f, config)]));
  for (const [id, options] of wanted) {
    known.add(id);
    try {
      await client.schedule.create(options);
      report.created.push(id);
      continue;
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    }
    const handle = client.schedule.getHandle(id);
    const current = await handle.describe();
    if (specHash(current.state.note) === specHash(options.state?.note)) continue;
    await handle.update((previous) => ({
      ...previous,
      spec: options.spec,
      action: options.action,
      policies: { ...previous.policies, ...options.policies },
      state: { ...previous.state, ...options.state },
    }));
    report.updated.push(id);
  }
  for await (const summary of client.schedule.list()) if (summary.scheduleId.startsWith(SCHEDULE_PREFIX)) known.add(summary.scheduleId);
  for (const id of known) {
    if (wanted.has(id)) continue;
    known.delete(id);
    try {
      await client.schedule.getHandle(id).delete();
      report.deleted.push(id);
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
  return report;
}
