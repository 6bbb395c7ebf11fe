import type { ScheduleIR, TimeOfDayIR } from './ir.ts';

/** ISO weekday numbers (1 = Monday) by the names a schedule uses. */
export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** The form a schedule takes, for hints: days (optional), then times. */
export const SCHEDULE_FORMAT = '"[DAYS] HH:MM[,HH:MM…]", DAYS as daily, mon,thu or mon-fri: e.g. "mon,thu 10:00", "daily 09:30"';

/** `HH:MM` (24-hour), or undefined. */
export function parseTimeOfDay(text: unknown): TimeOfDayIR | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : undefined;
}

function parseDays(text: string): number[] | undefined {
  if (text === 'daily') return [];
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [from, to, extra] = part.split('-');
    const a = WEEKDAY_NAMES.indexOf(from as (typeof WEEKDAY_NAMES)[number]) + 1;
    const b = to === undefined ? a : WEEKDAY_NAMES.indexOf(to as (typeof WEEKDAY_NAMES)[number]) + 1;
    if (a === 0 || b === 0 || b < a || extra !== undefined) return undefined;
    for (let d = a; d <= b; d++) days.add(d);
  }
  return [...days].sort((x, y) => x - y);
}

/** `"mon,thu 10:00"`, `"daily 09:30"`, `"mon-fri 08:00,17:00"`, `"10:00"` (every day); undefined when malformed. */
export function parseSchedule(text: unknown): ScheduleIR | undefined {
  if (typeof text !== 'string') return undefined;
  const words = text.trim().toLowerCase().split(/\s+/);
  if (words.length === 0 || words.length > 2) return undefined;
  const days = words.length === 2 ? parseDays(words[0]!) : [];
  const times = words.at(-1)!.split(',').map(parseTimeOfDay);
  if (!days || times.some((t) => t === undefined)) return undefined;
  const unique = [...new Map((times as TimeOfDayIR[]).map((t) => [t.hour * 60 + t.minute, t])).values()];
  unique.sort((a, b) => a.hour * 60 + a.minute - (b.hour * 60 + b.minute));
  // Every day written as all seven is every day: one IR for one meaning.
  return days.length === 0 || days.length === 7 ? { times: unique } : { days, times: unique };
}
