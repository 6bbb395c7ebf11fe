/** The interpreter's own queue; profile reads run here too. */
export const FLOW_TASK_QUEUE = 'flowline-flows';

/** One queue per destination, so each has its own rate limit and a slow one starves no other. */
export const destinationTaskQueue = (destination: string): string => `flowline-dest-${destination}`;

/** Scheduled and date entries: served by the ingest process, which holds the entry rules (ingest/scheduled-entries.ts). */
export const ENTRIES_TASK_QUEUE = 'flowline-entries';

/**
 * The firings of scheduled and date entries (the scheduledEntries workflow) apart from the runs
 * they start: on the flow queue, each page's next task waited behind the first tasks of the
 * thousands of runs the page before had started (a 100,000-member entry stalled for half a
 * minute at every continue-as-new).
 */
export const FIRINGS_TASK_QUEUE = 'flowline-firings';
