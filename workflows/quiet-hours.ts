import { DateTime } from 'luxon';
import type { TimeOfDayIR } from '../dsl/language/ir.ts';
import { nextWindow } from './next-window.ts';

const minutes = (t: TimeOfDayIR): number => t.hour * 60 + t.minute;

/**
 * When the quiet hours [from, to) that hold `now` in `zone` end, or undefined when `now` is outside
 * them. `to` before `from` spans midnight. Local wall-clock time, so a DST change moves the window
 * with the clocks (wait_until's code: next-window.ts). Pure: the workflow passes its clock.
 */
export function quietUntil(now: number, zone: string, from: TimeOfDayIR, to: TimeOfDayIR): number | undefined {
  const local = DateTime.fromMillis(now, { zone });
  const m = local.hour * 60 + local.minute;
  const [f, t] = [minutes(from), minutes(to)];
  const inside = f < t ? m >= f && m < t : m >= f || m < t;
  return inside ? nextWindow(now, zone, to.hour, to.minute) : undefined;
}
