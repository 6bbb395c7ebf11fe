import { Context } from '@temporalio/activity';
import type { FlowEvent } from '../dsl/language/event.ts';
import { evaluate } from '../dsl/language/evaluate.ts';
import type { DateTriggerIR, FlowIR, ScheduledAudienceTriggerIR } from '../dsl/language/ir.ts';
import type { Profile } from '../store/store.ts';
import type { EnterPageRequest, EnterPageResult, EntryActivities } from '../workflows/scheduled-entries.ts';
import { dateOccurrence } from './date-occurrence.ts';
import { startFlowRun, type StartDeps } from './start-run.ts';

/** Starts going out at once within a page: enough to keep Temporal busy, few enough for one store. */
const CONCURRENCY = 32;

export type TimedFlow = FlowIR & { trigger: ScheduledAudienceTriggerIR | DateTriggerIR };

/** The running activity's context; none when called outside a worker (a direct call). */
const activityContext = (): Context | undefined => {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
};

/** Flows entered on a schedule rather than by events. */
export const isTimed = (flow: FlowIR): flow is TimedFlow => flow.trigger.kind === 'scheduled_audience' || flow.trigger.kind === 'date';

/**
 * `enter: new` remembers whom a flow's schedule entered as entry records under this name (kept
 * forever, like `reentry: never` ones): flow ids are kebab-case, so it is no flow's id.
 */
const scheduleEntriesKey = (flow: string): string => `schedule:${flow}`;

/** An `after_exit` start already made for this event (the run may have ended since): as ingest/route.ts remembers event starts. */
const madeKey = (flow: string, user: string, eventId: string) => `scheduled-start:${flow}:${user}:${eventId}`;
const remembered = (flow: FlowIR) => flow.entry.reentry === 'after_exit' && flow.entry.frequency === undefined;

/** The names of the events scheduled and date entries start runs with. */
export const ENTRY_EVENT = { scheduled_audience: 'scheduled_entry', date: 'date_reached' } as const;

/** The event a member enters with: what `event` is in the flow's conditions and templates. */
function entryEvent(flow: TimedFlow, profile: Profile, configZone: string, at: number): FlowEvent | undefined {
  const t = flow.trigger;
  if (t.kind === 'scheduled_audience') {
    const id = `schedule-${new Date(at).toISOString()}`;
    return { id, name: ENTRY_EVENT[t.kind], type: ENTRY_EVENT[t.kind], timestamp: at, attributes: { audience: t.audienceName } };
  }
  const hit = dateOccurrence(t, profile, configZone, at);
  if (!hit) return undefined;
  return {
    id: hit.id,
    name: ENTRY_EVENT[t.kind],
    type: ENTRY_EVENT[t.kind],
    timestamp: hit.at,
    attributes: { date: hit.date, field: t.field.join('.') },
  };
}

/**
 * The entries activity: reads one page of the profile store and enters its members into the flow
 * as it is loaded now, through startFlowRun, so reentry, frequency and status rules hold exactly
 * as for events. A retried page enters nobody twice: event ids are per firing (per year for
 * dates), and `after_exit` starts are remembered. A flow gone or no longer timed enters nobody.
 */
export function entryActivities(deps: StartDeps & { flows: () => readonly FlowIR[] }): EntryActivities {
  return {
    async enterScheduledPage(request: EnterPageRequest): Promise<EnterPageResult> {
      const flow = deps.flows().find((f): f is TimedFlow => f.flow === request.flow && isTimed(f));
      if (!flow) return { members: 0, started: 0, notStarted: {} };
      const t = flow.trigger;
      const filter = t.kind === 'scheduled_audience' ? { audience: t.audienceName } : { has: t.field.slice(1) };
      const page = await deps.profiles.pageProfiles({ limit: request.limit, filter, after: request.after || undefined });
      const result: EnterPageResult = {
        members: page.profiles.length,
        started: 0,
        notStarted: {},
        ...(page.next ? { next: page.next } : {}),
      };
      const skip = (reason: string) => (result.notStarted[reason] = (result.notStarted[reason] ?? 0) + 1);
      const made: string[] = [];
      // Each member's entry event, then one lookup for the page's `after_exit` starts already made
      // (by an earlier attempt of this page, or for a date, an earlier firing this year).
      const due = page.profiles.flatMap((profile) => {
        const event = entryEvent(flow, profile, deps.config.timezone, request.at);
        return event ? [{ profile, event, key: madeKey(flow.flow, profile.id, event.id) }] : []; // none: a date not due in this firing
      });
      // With `enter: new`, one lookup too for the page's members entered by an earlier firing.
      const marker = scheduleEntriesKey(flow.flow);
      const onlyNew = t.kind === 'scheduled_audience' && t.enter === 'new';
      const [madeBefore, enteredBefore] = await Promise.all([
        remembered(flow) ? deps.profiles.seenAmong(due.map((d) => d.key)) : new Set<string>(),
        onlyNew
          ? deps.profiles.enteredAmong(
              marker,
              due.map((d) => d.profile.id),
            )
          : new Set<string>(),
      ]);
      const enter = async ({ profile, event, key }: (typeof due)[number]) => {
        if (t.where && !evaluate(t.where, { event, profile, vars: {} }, request.at)) return skip('where');
        if (enteredBefore.has(profile.id)) return skip('entered-before');
        if (madeBefore.has(key)) return skip('duplicate-event');
        const outcome = await startFlowRun({ ...deps, now: () => request.at }, flow, profile.id, event);
        if (remembered(flow)) made.push(key);
        if (!outcome.started) return skip(outcome.reason);
        result.started++;
        if (onlyNew) await deps.profiles.recordEntry(marker, profile.id, request.at);
      };
      // Heartbeats tell Temporal this page is alive: a process that dies mid-page has it retried
      // elsewhere after the heartbeat timeout, not after the whole start-to-close timeout.
      const heartbeat = activityContext();
      const queue = [...due];
      const errors: unknown[] = [];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let p = queue.shift(); p; p = queue.shift()) {
            await enter(p).catch((e: unknown) => errors.push(e));
            heartbeat?.heartbeat(); // throttled by the SDK
          }
        }),
      );
      // Remembered even when some failed: the retry of this page skips what was made.
      if (made.length) await deps.profiles.markSeen(made);
      if (errors.length) throw errors[0];
      return result;
    },
  };
}
