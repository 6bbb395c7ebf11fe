import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DestinationType } from '../dsl/language/capabilities.ts';
import type { DestinationError } from './errors.ts';
import type { CallContext, CallResult, DestinationCall, DestinationClient } from './types.ts';

export interface RecordedCall {
  destination: string;
  type: DestinationType;
  idempotencyKey: string;
  call: DestinationCall;
  at: string;
}

/**
 * A destination that performs nothing and remembers every call: for `flows simulate`, for tests,
 * and for running without credentials. With a file, calls are also appended there as JSON lines,
 * so another process (a test, a person with `tail -f`) can see them.
 */
export class RecordingDestination implements DestinationClient {
  readonly calls: RecordedCall[] = [];
  /** Calls that were refused by an injected fault, in order. */
  readonly refused: RecordedCall[] = [];
  /** Faults to answer with, one per call, before recording again: for tests of retries and on_error. */
  readonly faults: DestinationError[] = [];

  constructor(
    readonly name: string,
    readonly type: DestinationType,
    private readonly file?: string,
    private readonly clock: () => number = Date.now,
  ) {
    if (file) mkdirSync(dirname(file), { recursive: true });
  }

  async perform(call: DestinationCall, context: CallContext): Promise<CallResult> {
    const recorded: RecordedCall = {
      destination: this.name,
      type: this.type,
      idempotencyKey: context.idempotencyKey,
      call,
      at: new Date(context.scheduledAt ?? this.clock()).toISOString(),
    };
    const fault = this.faults.shift();
    if (fault) {
      this.refused.push(recorded);
      throw fault;
    }
    this.calls.push(recorded);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(recorded)}\n`);
    return { id: `rec-${this.calls.length}` };
  }
}
