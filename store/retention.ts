import { DAY_MS, formatDuration, parseDuration } from '../dsl/language/durations.ts';
import type { Retention } from './store.ts';

/**
 * How long a handled batch or event id is remembered, so that a redelivery starts nothing:
 * it must outlast the longest time a sender keeps retrying a batch (set it longer if yours retries longer).
 */
export const DEFAULT_SEEN_RETENTION_MS = 7 * DAY_MS;
/** The shortest retention accepted: below it a sender's ordinary retries would start runs twice. */
const MIN_SEEN_RETENTION_MS = DAY_MS;
const SWEEP_INTERVAL_MS = 3_600_000;

/** FLOWLINE_SEEN_RETENTION (a duration such as `7d` or `2w`), or the default; throws with the fix when it is wrong. */
export function seenRetention(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.FLOWLINE_SEEN_RETENTION;
  if (text === undefined || text === '') return DEFAULT_SEEN_RETENTION_MS;
  const ms = parseDuration(text.trim());
  if (ms === undefined || ms < MIN_SEEN_RETENTION_MS) {
    throw new Error(
      `FLOWLINE_SEEN_RETENTION=${JSON.stringify(text)} is not a duration of at least ${formatDuration(MIN_SEEN_RETENTION_MS)}: ` +
        'use a whole number and a unit, such as 7d or 2w',
    );
  }
  return ms;
}

export interface Sweeper {
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
  /** The first sweep (run at start), for tests and start-up logs. */
  first: Promise<void>;
}

/**
 * Deletes de-duplication records older than the retention and entry records no rule needs any
 * more (a `never` entry is kept forever; a `frequency` one for its window, 30 days at least):
 * once at start, then every interval. Any number of processes may sweep one store.
 */
export function startSweeper(
  store: Retention,
  options: { retentionMs?: number; intervalMs?: number; now?: () => number; log?: (line: string) => void } = {},
): Sweeper {
  const { retentionMs = DEFAULT_SEEN_RETENTION_MS, intervalMs = SWEEP_INTERVAL_MS, now = Date.now } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  let running: Promise<void> = Promise.resolve();
  const sweep = (): Promise<void> =>
    (running = running.then(async () => {
      const at = now();
      try {
        const removed = await store.sweep({ seenBefore: at - retentionMs, now: at });
        if (removed.seen + removed.entries > 0) {
          log(
            `profile store: swept ${removed.seen} de-duplication records older than ${formatDuration(retentionMs)} and ${removed.entries} expired entry records`,
          );
        }
      } catch (error) {
        log(`profile store: the sweep failed and will be tried again in ${formatDuration(intervalMs)}: ${(error as Error).message}`);
      }
    }));
  const first = sweep();
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return {
    first,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
