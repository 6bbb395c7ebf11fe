import { DAY_MS } from '../dsl/language/durations.ts';

/** One frequency cap as the store checks it: at most `max` claims within `perMs`. */
export interface SendCap {
  max: number;
  perMs: number;
}

/**
 * A send about to go out on a channel. `id` is the send's own (workflowId/runId/stepId), so an
 * activity retry claims once; `at` is the run's time (workflow time).
 */
export interface SendClaim {
  id: string;
  channel: string;
  at: number;
}

/** What a claim found: allowed (and counted), or refused by the caps at `refused` (indexes) until `until`. */
export type ClaimAnswer = { allowed: true } | { allowed: false; until: number; refused: number[] };

/** A claim as stored, per user and channel. */
export interface ClaimRecord {
  id: string;
  at: number;
}

/** Claims are kept at least this long, so a cap whose window is lengthened soon after still counts them. */
const MIN_CLAIM_RETENTION_MS = 30 * DAY_MS;

/** Claims older than this at `at` count for no cap and are dropped. */
export const claimCutoff = (caps: readonly SendCap[], at: number): number =>
  at - Math.max(MIN_CLAIM_RETENTION_MS, ...caps.map((c) => c.perMs));

/**
 * The caps' verdict on a claim, given the user's claims on its channel. A claim already recorded
 * is allowed again (a retry). Claims later than `at` count too: another run's clock may be ahead.
 */
export function decideClaim(records: readonly ClaimRecord[], caps: readonly SendCap[], claim: SendClaim): ClaimAnswer {
  if (records.some((r) => r.id === claim.id)) return { allowed: true };
  const refused: number[] = [];
  let until = 0;
  caps.forEach((cap, i) => {
    const counted = records
      .filter((r) => r.at > claim.at - cap.perMs)
      .map((r) => r.at)
      .sort((a, b) => a - b);
    if (counted.length < cap.max) return;
    refused.push(i);
    // Allowed again once all but max - 1 of them have left the window.
    until = Math.max(until, counted[counted.length - cap.max]! + cap.perMs);
  });
  return refused.length === 0 ? { allowed: true } : { allowed: false, until, refused };
}
