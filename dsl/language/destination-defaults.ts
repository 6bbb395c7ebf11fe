import type { DestinationType } from './capabilities.ts';

/** What the flow language assumes when a flow or the config leaves a destination setting out. */

/** The built-in destination of a webhook step without `destination:` (no credentials). */
export const DEFAULT_WEBHOOK_DESTINATION = 'webhook-default';

/** Five attempts in all, the first backoff 1s, doubling. */
export const DEFAULT_RETRY = { attempts: 5, backoffMs: 1_000 };

/** Per request. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Limits a destination type has unless its config says otherwise: MoEngage's integration page
 * states 15,000 requests a minute (excess is dropped); CleverTap allows 15 uploads in flight.
 */
export const TYPE_DEFAULTS: Partial<Record<DestinationType, { rate_limit?: string; concurrency?: number }>> = {
  moengage: { rate_limit: '15000/min' },
  clevertap: { concurrency: 15 },
};

/**
 * IR compiled before the compiler wrote DEFAULT_WEBHOOK_DESTINATION into webhook steps has webhook
 * steps without `destination`. Such IR still arrives at run time: the input of runs started
 * then, and the step of an activity such a run scheduled before its worker was upgraded. This
 * gives such a step the destination the compiler now writes; a step that names one is left as is.
 */
export function withDefaultDestination(step: { kind: string; destination?: string }): void {
  if (step.kind === 'webhook' && step.destination === undefined) step.destination = DEFAULT_WEBHOOK_DESTINATION;
}
