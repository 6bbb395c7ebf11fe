/** The interpreter's own queue; profile reads run here too. */
export const FLOW_TASK_QUEUE = 'flowline-flows';

/** One queue per destination, so each has its own rate limit and a slow one starves no other. */
export const destinationTaskQueue = (destination: string): string => `flowline-dest-${destination}`;
