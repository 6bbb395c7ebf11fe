import { Context } from '@temporalio/activity';
import type { FlowEvent } from '../dsl/language/event.ts';
import { evaluate } from '../dsl/language/evaluate.ts';
import type { DateTriggerIR, FlowIR, ScheduledAudienceTriggerIR } from '../dsl/language/ir.ts';
import type { Profile } from '../store/store.ts';
import {
  addEntered,
  type EnterPageRequest,
  type EnterPageResult,
  type EntryActivities,
  type EntryTotals,
} from '../workflows/scheduled-entries.ts';
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

/** One member of a page to enter: the profile, its entry event, its `after_exit` start key. */
interface Due {
  profile: Profile;
  event: FlowEvent;
  key: string;
}

/** A page read: its members left to enter, what it came to, and what to remember once all are entered. */
interface PageInProgress {
  due: Due[];
  pending: number;
  result: EnterPageResult;
  made: string[];
  madeBefore: Set<string>;
  enteredBefore: Set<string>;
  failed: boolean;
}

/** What a call has finished, page by page, and the cursor after it: heartbeated, so a retried call resumes there. */
interface Progress {
  after?: string;
  result: EntryTotals;
}

/**
 * The entries activity: reads pages of the profile store and enters their members into the flow
 * as it is loaded now, through startFlowRun, so reentry, frequency and status rules hold exactly
 * as for events. A retried call enters nobody twice: event ids are per firing (per year for
 * dates), and `after_exit` starts are remembered. A flow gone or no longer timed enters nobody.
 *
 * A call enters up to `pages` pages with CONCURRENCY starts in flight throughout: the next page
 * is read while the last members of one are entering, so the starts do not drain at each page's
 * end nor wait for a workflow task between pages. Each page finished (in order) is heartbeated
 * with the cursor after it, and a retried call resumes there.
 */
export function entryActivities(deps: StartDeps & { flows: () => readonly FlowIR[] }): EntryActivities {
  return {
    async enterScheduledPage(request: EnterPageRequest): Promise<EnterPageResult> {
      const flow = deps.flows().find((f): f is TimedFlow => f.flow === request.flow && isTimed(f));
      if (!flow) return { members: 0, started: 0, notStarted: {} };
      const t = flow.trigger;
      const filter = t.kind === 'scheduled_audience' ? { audience: t.audienceName } : { has: t.field.slice(1) };
      const marker = scheduleEntriesKey(flow.flow);
      const onlyNew = t.kind === 'scheduled_audience' && t.enter === 'new';
      const context = activityContext();
      const resumed = context?.info.heartbeatDetails as Progress | undefined;
      const done: Progress = resumed ?? { result: { members: 0, started: 0, notStarted: {}, pages: 0 } };
      if (!resumed && request.after) done.after = request.after;
      const wanted = Math.max(1, request.pages ?? 1);

      const read = async (after: string | undefined): Promise<PageInProgress> => {
        const page = await deps.profiles.pageProfiles({ limit: request.limit, filter, after: after || undefined });
        // Each member's entry event (none: a date not due in this firing), then one lookup for the
        // page's `after_exit` starts already made (by an earlier attempt, or for a date, an earlier
        // firing this year) and, with `enter: new`, one for its members entered by an earlier firing.
        const due = page.profiles.flatMap((profile) => {
          const event = entryEvent(flow, profile, deps.config.timezone, request.at);
          return event ? [{ profile, event, key: madeKey(flow.flow, profile.id, event.id) }] : [];
        });
        const [madeBefore, enteredBefore] = await Promise.all([
          remembered(flow) ? deps.profiles.seenAmong(due.map((d) => d.key)) : new Set<string>(),
          onlyNew
            ? deps.profiles.enteredAmong(
                marker,
                due.map((d) => d.profile.id),
              )
            : new Set<string>(),
        ]);
        const result: EnterPageResult = {
          members: page.profiles.length,
          started: 0,
          notStarted: {},
          ...(page.next ? { next: page.next } : {}),
        };
        return { due, pending: due.length, result, made: [], madeBefore, enteredBefore, failed: false };
      };

      const enter = async (page: PageInProgress, { profile, event, key }: Due): Promise<void> => {
        const skip = (reason: string) => (page.result.notStarted[reason] = (page.result.notStarted[reason] ?? 0) + 1);
        if (t.where && !evaluate(t.where, { event, profile, vars: {} }, request.at)) return void skip('where');
        if (page.enteredBefore.has(profile.id)) return void skip('entered-before');
        if (page.madeBefore.has(key)) return void skip('duplicate-event');
        const outcome = await startFlowRun({ ...deps, now: () => request.at }, flow, profile.id, event);
        if (remembered(flow)) page.made.push(key);
        if (!outcome.started) return void skip(outcome.reason);
        page.result.started++;
        if (onlyNew) await deps.profiles.recordEntry(marker, profile.id, request.at);
      };

      // Pages in the order read; the first ones are finished (remembered, heartbeated) as soon as
      // every member of them and of the pages before them is entered.
      const pages: PageInProgress[] = [];
      const errors: unknown[] = [];
      let finishing = Promise.resolve();
      const finishReady = () => {
        finishing = finishing
          .then(async () => {
            // Up to a failed page: nothing after it is done, and the retry redoes it.
            for (let page = pages[0]; page?.pending === 0 && !page.failed; page = pages[0]) {
              if (page.made.length) await deps.profiles.markSeen(page.made);
              pages.shift();
              addEntered(done.result, page.result, 1);
              done.after = page.result.next;
              context?.heartbeat(done);
            }
            // A failed page's starts are remembered too: the retry skips what was made.
            const failed = pages[0];
            if (failed?.failed && failed.pending === 0 && failed.made.length) await deps.profiles.markSeen(failed.made.splice(0));
          })
          .catch((e: unknown) => {
            if (pages[0]) pages[0].failed = true; // not remembered: not done
            errors.push(e);
          });
      };

      // The members to enter, one page ahead at most: the next page is read when fewer than
      // CONCURRENCY are left, so the page held is one page and the starts in flight.
      const queue: { page: PageInProgress; due: Due }[] = [];
      let cursor = done.after;
      let last = done.result.pages > 0 && done.after === undefined; // resumed after the last page
      let readsLeft = wanted - done.result.pages;
      let reading: Promise<void> | undefined;
      const readNext = () =>
        (reading ??= read(cursor)
          .then((page) => {
            pages.push(page);
            queue.push(...page.due.map((due) => ({ page, due })));
            cursor = page.result.next;
            readsLeft--;
            if (!cursor || readsLeft <= 0) last = true;
            if (page.pending === 0) finishReady();
          })
          .finally(() => (reading = undefined)));
      const take = async (): Promise<{ page: PageInProgress; due: Due } | undefined> => {
        for (;;) {
          // After a failure no page is read, but the pages read are entered: the retry redoes less.
          if (queue.length < CONCURRENCY && !last && readsLeft > 0 && !reading && !errors.length)
            void readNext().catch((e: unknown) => errors.push(e));
          const next = queue.shift();
          if (next) return next;
          if (!reading) return undefined;
          await reading.catch(() => {});
        }
      };
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let item = await take(); item; item = await take()) {
            await enter(item.page, item.due).catch((e: unknown) => {
              item.page.failed = true;
              errors.push(e);
            });
            item.page.pending--;
            if (item.page.pending === 0) finishReady();
            // Tells Temporal this call is alive (throttled by the SDK): a process that dies mid-call
            // has it retried elsewhere after the heartbeat timeout, not the whole start-to-close.
            context?.heartbeat(done);
          }
        }),
      );
      await finishing;
      if (errors.length) throw errors[0];
      return { ...done.result, ...(done.after === undefined ? {} : { next: done.after }) };
    },
  };
}
