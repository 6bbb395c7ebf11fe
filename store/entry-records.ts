import { DAY_MS } from '../dsl/language/durations.ts';
import type { EntryIR } from '../dsl/language/ir.ts';

/**
 * What a reservation of an entry found:
 * - `reserved`: the entry is this event's now (pending until confirmed or released);
 * - `held`: this event already holds a pending reservation (a redelivery after a crash): go on;
 * - `entered`: this event already entered the flow;
 * - `already-entered` / `frequency-cap`: the rule refuses the entry.
 */
export type Reservation = 'reserved' | 'held' | 'entered' | 'already-entered' | 'frequency-cap';

/** The entry rule a reservation enforces: the flow's `entry` block. */
export type EntryRule = Pick<EntryIR, 'reentry' | 'frequency'>;

/**
 * One entry of a user into a flow. `until` is when no rule needs it any more (absent: forever, as
 * `never` needs); `pending` marks a reservation whose run start is not yet confirmed.
 */
export interface EntryRecord {
  at: number;
  event?: string;
  pending?: true;
  until?: number;
}

/**
 * Frequency entries are kept at least this long, so that lengthening a flow's `per` window soon
 * after still counts the entries made under the old one.
 */
const MIN_FREQUENCY_ENTRY_RETENTION_MS = 30 * DAY_MS;

/** How long an entry made now must be kept: forever for `never`, else the frequency window (30 days at least). */
function keepUntil(rule: EntryRule, at: number): number | undefined {
  if (rule.reentry === 'never' || !rule.frequency) return undefined;
  return at + Math.max(rule.frequency.perMs, MIN_FREQUENCY_ENTRY_RETENTION_MS);
}

/** The rule's verdict on an entry at `at` for `eventId`, given the user's entry records for the flow. */
export function decideEntry(records: readonly EntryRecord[], rule: EntryRule, at: number, eventId: string): Reservation {
  const own = records.find((r) => r.event === eventId);
  if (own) return own.pending ? 'held' : 'entered';
  if (rule.reentry === 'never' && records.length > 0) return 'already-entered';
  const { frequency } = rule;
  if (frequency && records.filter((r) => r.at > at - frequency.perMs).length >= frequency.max) return 'frequency-cap';
  return 'reserved';
}

/** The record a successful reservation writes. */
export function reservationRecord(rule: EntryRule, at: number, eventId: string): EntryRecord {
  const until = keepUntil(rule, at);
  return { at, event: eventId, pending: true, ...(until === undefined ? {} : { until }) };
}
