import type { WorkflowHandle } from '@temporalio/client';

/**
 * When a run scheduled each call of one activity type (e.g. sendEmail), in workflow time from its
 * history: on the time-skipping server, the skipped clock the run saw.
 */
export async function activityTimes(handle: WorkflowHandle, activityType: string): Promise<number[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? [])
    .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType)
    .map((e) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6));
}
