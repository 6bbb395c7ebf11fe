/** What the flow language assumes when a flow or the config leaves a destination setting out. */

/** The built-in destination of a webhook step without `destination:` (no credentials). */
export const DEFAULT_WEBHOOK_DESTINATION = 'webhook-default';

/** Five attempts in all, the first backoff 1s, doubling. */
export const DEFAULT_RETRY = { attempts: 5, backoffMs: 1_000 };

/** Per request. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The destination a step calls: its own, or the built-in one for a webhook without one. */
export const destinationOf = (step: { kind: string; destination?: string }): string =>
  step.destination ?? (step.kind === 'webhook' ? DEFAULT_WEBHOOK_DESTINATION : '');
