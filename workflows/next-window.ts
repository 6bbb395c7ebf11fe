import { DateTime } from 'luxon';

/**
 * The next moment at HH:MM in a zone, on one of the allowed ISO weekdays (1 = Monday), strictly
 * after `now`. Pure: the workflow passes its deterministic clock.
 */
export function nextWindow(now: number, zone: string, hour: number, minute: number, days?: readonly number[]): number {
  const start = DateTime.fromMillis(now, { zone });
  for (let offset = 0; offset <= 8; offset++) {
    const candidate = start.plus({ days: offset }).set({ hour, minute, second: 0, millisecond: 0 });
    if (candidate.toMillis() <= now) continue;
    if (days && days.length > 0 && !days.includes(candidate.weekday)) continue;
    return candidate.toMillis();
  }
  throw new Error(`no send window within 8 days for ${hour}:${minute} in ${zone}`);
}

export const isValidZone = (zone: unknown): zone is string =>
  typeof zone === 'string' && zone !== '' && DateTime.local().setZone(zone).isValid;
