/**
 * A destination's answer that is not a success. `retryable` follows the flow language: timeouts,
 * 429 and 5xx are worth retrying (after `retryAfterMs` when the destination says); other 4xx are not.
 */
export class DestinationError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly details: { status?: number; retryAfterMs?: number; destination?: string } = {},
  ) {
    super(message);
    this.name = 'DestinationError';
  }
}
