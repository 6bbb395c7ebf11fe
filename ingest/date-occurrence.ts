import { DateTime } from 'luxon';
import type { DateTriggerIR } from '../dsl/language/ir.ts';
import { isTimeZone } from '../dsl/language/time-zones.ts';
import type { Profile } from '../store/store.ts';

/**
 * How far back a firing of a date flow's hourly schedule looks: two hours, so a firing skipped
 * (a slow scan still running, the server down) is made up by the next; the per-year event id
 * makes a moment seen by two firings enter once.
 */
const DATE_WINDOW_MS = 2 * 3_600_000;

/** A date the trigger fires on for a user: its moment and the event id that makes it enter once. */
export interface DateOccurrence {
  id: string;
  at: number;
  date: string;
}

const read = (profile: Profile, field: readonly string[]): unknown =>
  field.slice(1).reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), profile);

/** `YYYY-MM-DD` (a longer ISO text is cut to its date) or epoch milliseconds (UTC date); else undefined. */
function calendarDate(value: unknown): { year: number; month: number; day: number } | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? new Date(value).toISOString() : value;
  const m = typeof text === 'string' ? /^(\d{4})-(\d\d)-(\d\d)/.exec(text.trim()) : null;
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return DateTime.fromObject({ year, month, day }).isValid ? { year, month, day } : undefined;
}

/** The user's zone for a date trigger: the trigger's zone, else the profile field it names when that holds a zone, else the config's. */
function userZone(trigger: DateTriggerIR, profile: Profile, configZone: string): string {
  if (!trigger.timezone) return configZone;
  if ('zone' in trigger.timezone) return trigger.timezone.zone;
  const value = read(profile, trigger.timezone.field);
  return typeof value === 'string' && isTimeZone(value) ? value : configZone;
}

const isLeap = (year: number) => DateTime.fromObject({ year }).isInLeapYear;

/**
 * The occurrence whose moment falls in (at - DATE_WINDOW_MS, at], if any: the date itself (once),
 * or, with `anniversary`, the date in the year of that moment (the date's own year onward). Feb 29
 * falls on Feb 28 in other years. A time the clocks skip (DST) moves forward with them.
 */
export function dateOccurrence(trigger: DateTriggerIR, profile: Profile, configZone: string, at: number): DateOccurrence | undefined {
  const date = calendarDate(read(profile, trigger.field));
  if (!date) return undefined;
  const zone = userZone(trigger, profile, configZone);
  const thisYear = DateTime.fromMillis(at, { zone }).year;
  // The window can straddle New Year in the user's zone: try both years.
  const years = trigger.anniversary ? [thisYear - 1, thisYear].filter((y) => y >= date.year) : [date.year];
  for (const year of years) {
    const day = date.month === 2 && date.day === 29 && !isLeap(year) ? 28 : date.day;
    const moment = DateTime.fromObject(
      { year, month: date.month, day, hour: trigger.at.hour, minute: trigger.at.minute },
      { zone },
    ).toMillis();
    if (moment > at - DATE_WINDOW_MS && moment <= at) {
      const iso = `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
      return { id: trigger.anniversary ? `date-${year}` : `date-${iso}`, at: moment, date: iso };
    }
  }
  return undefined;
}
