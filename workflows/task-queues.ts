/** The interpreter's own queue; profile reads run here too. */
export const FLOW_TASK_QUEUE = 'flowline-flows';

/** One queue per destination, so each has its own rate limit and a slow one starves no other. */
export const destinationTaskQueue = (destination: string): string => `flowline-dest-${destination}`;

/** Scheduled and date entries: served by the ingest process, which holds the entry rules (ingest/scheduled-entries.ts). */
export const ENTRIES_TASK_QUEUE = 'flowline-entries';
