import { continueAsNew, proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import { ENTRIES_TASK_QUEUE } from './task-queues.ts';

/** Members per page read, and pages per workflow run (one activity call) before it continues as new. */
const PAGE_SIZE = 500;
export const PAGES_PER_RUN = 10;

/** What one firing has done so far: carried across continueAsNew, returned at the end. */
export interface EntryTotals {
  pages: number;
  /** Profiles the pages returned (audience members; profiles holding the date). */
  members: number;
  started: number;
  /** Members not entered, by reason (an entry rule's, `entered-before` for `enter: new`). */
  notStarted: Record<string, number>;
}

/** Adds what `pages` pages entered to `totals` (a firing's, or an activity call's so far). */
export function addEntered(totals: EntryTotals, entered: Omit<EntryTotals, 'pages'>, pages: number): void {
  totals.pages += pages;
  totals.members += entered.members;
  totals.started += entered.started;
  for (const [reason, n] of Object.entries(entered.notStarted)) totals.notStarted[reason] = (totals.notStarted[reason] ?? 0) + n;
}

export interface ScheduledEntriesInput {
  flow: string;
  /** The firing's moment (epoch ms): set by the first run from its clock, carried to the next. */
  at?: number;
  /** Where the scan resumes (the profile store's keyset cursor). */
  cursor?: string;
  totals?: EntryTotals;
  pageSize?: number;
  pagesPerRun?: number;
}

export interface EnterPageRequest {
  flow: string;
  at: number;
  after?: string;
  limit: number;
  /** Pages to enter in this call, one after the other (1 when absent). */
  pages?: number;
}

export interface EnterPageResult {
  /** Pages the call entered (1 when absent: calls before calls took several). */
  pages?: number;
  next?: string;
  members: number;
  started: number;
  notStarted: Record<string, number>;
}

/** The activity the ingest process serves on ENTRIES_TASK_QUEUE: up to `pages` pages read and entered under the entry rules. */
export interface EntryActivities {
  enterScheduledPage(request: EnterPageRequest): Promise<EnterPageResult>;
}

const { enterScheduledPage } = proxyActivities<EntryActivities>({
  taskQueue: ENTRIES_TASK_QUEUE,
  // PAGES_PER_RUN pages of PAGE_SIZE starts take about a minute; a call cut short is retried
  // from the last page it heartbeated, and re-enters nobody (per-firing event ids).
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2s', maximumInterval: '1 minute' },
  summary: 'enter pages of members',
});

/**
 * One firing of a scheduled or date-triggered flow (started by its Temporal Schedule): pages
 * through the profile store and enters each page's members through the ingest process, which
 * applies the flow's entry rules. Every PAGES_PER_RUN pages (one activity call) it continues as
 * new with the cursor, so a million members make many short histories, and a restart resumes
 * from the cursor.
 */
export async function scheduledEntries(input: ScheduledEntriesInput): Promise<EntryTotals> {
  // Whole minutes: the schedule fires on them, and the firing's event ids derive from this.
  const at = input.at ?? Math.floor(Date.now() / 60_000) * 60_000;
  const totals: EntryTotals = input.totals ?? { pages: 0, members: 0, started: 0, notStarted: {} };
  let cursor = input.cursor;
  const pagesPerRun = input.pagesPerRun ?? PAGES_PER_RUN;
  // One call enters the run's pages (a history replayed from when a call entered one page gets
  // results without `pages`, so it makes the same calls it made then).
  for (let page = 0; page < pagesPerRun;) {
    const result = await enterScheduledPage({
      flow: input.flow,
      at,
      limit: input.pageSize ?? PAGE_SIZE,
      pages: pagesPerRun - page,
      ...(cursor ? { after: cursor } : {}),
    });
    const pages = Math.max(1, result.pages ?? 1);
    page += pages;
    addEntered(totals, result, pages);
    setCurrentDetails(`${totals.pages} pages, ${totals.members} members, ${totals.started} entered`);
    if (result.next === undefined) return totals;
    cursor = result.next;
  }
  return continueAsNew<typeof scheduledEntries>({ ...input, at, totals, ...(cursor ? { cursor } : {}) });
}
