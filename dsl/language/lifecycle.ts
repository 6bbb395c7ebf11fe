import { DateTime } from 'luxon';
import type { ActiveWindowIR, FlowIR } from './ir.ts';

/**
 * Where a flow is in its life at a moment: its `status`, and within `active` its window. Pure
 * (the workflow uses it with its own clock): dates are local to the config's time zone.
 */
export type FlowPhase = FlowIR['status'] | 'not-yet-active';

/** The reason a run records when its flow stops: its result's exitReason and its `exited` events. */
export const FLOW_STOPPED = 'flow stopped';
/** The reason a run records when an `exit_when` event ends it (the studio counts its exit box by it). */
export const exitWhenReason = (event: string): string => `exit_when: ${event}`;
/** The reason a run records when reaching a goal with `exit: true` ends it. */
export const goalReason = (goal: string): string => `goal reached: ${goal}`;
/** The start of the reason a run records when a failed step with `on_error: exit` ends it. */
export const ON_ERROR_EXIT = 'on_error: exit after';

/** The forms of a window's dates: a date, or a local date and time (minutes, optionally seconds). */
export const LOCAL_DATE_FORMAT = 'YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]';

const LOCAL_DATE = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?)?$/;

/**
 * A window's date as a moment in `zone`: a bare date starts at midnight (`from`) and an `until`
 * date ends at the next midnight, so `until: 2025-03-31` keeps the whole last day. Undefined for a
 * text that is no such date (2025-02-30, 25:00). A time the clocks skip moves forward with them.
 */
export function localMoment(text: unknown, zone: string, edge: 'from' | 'until'): number | undefined {
  const m = typeof text === 'string' ? LOCAL_DATE.exec(text) : null;
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
  const parts = { year: year!, month: month!, day: day!, hour, minute, second };
  const at = DateTime.fromObject(parts, { zone });
  if (!at.isValid || at.day !== parts.day || (m[4] !== undefined && (hour > 23 || minute > 59 || second > 59))) return undefined;
  return (m[4] === undefined && edge === 'until' ? at.plus({ days: 1 }) : at).toMillis();
}

/** The window's bounds in epoch milliseconds, each only when given. */
function windowBounds(active: ActiveWindowIR, zone: string): { fromMs?: number; untilMs?: number } {
  const fromMs = localMoment(active.from, zone, 'from');
  const untilMs = localMoment(active.until, zone, 'until');
  return { ...(fromMs !== undefined ? { fromMs } : {}), ...(untilMs !== undefined ? { untilMs } : {}) };
}

/**
 * The flow's phase at `now`: its status, except that an active flow with a window takes no entry
 * before `from` (`not-yet-active`) and after `until` is `finishing` (then: finish) or `stopped` (then: stop).
 */
export function flowPhase(flow: Pick<FlowIR, 'status' | 'active'>, zone: string, now: number): FlowPhase {
  if (flow.status !== 'active' || !flow.active) return flow.status;
  const { fromMs, untilMs } = windowBounds(flow.active, zone);
  if (untilMs !== undefined && now >= untilMs) return flow.active.then === 'stop' ? 'stopped' : 'finishing';
  if (fromMs !== undefined && now < fromMs) return 'not-yet-active';
  return 'active';
}

/** The moment the runs of this flow must leave because of its window (`then: stop`), if any. */
export function stopsAt(flow: Pick<FlowIR, 'active'>, zone: string): number | undefined {
  return flow.active?.then === 'stop' ? windowBounds(flow.active, zone).untilMs : undefined;
}

/** The window in words: `from 2025-03-01 until 2025-03-31, then stop`. */
export function windowText(active: ActiveWindowIR): string {
  const parts = [active.from !== undefined ? `from ${active.from}` : '', active.until !== undefined ? `until ${active.until}` : ''];
  const then = active.until !== undefined ? `, then ${active.then}` : '';
  return `${parts.filter(Boolean).join(' ')}${then}`;
}
