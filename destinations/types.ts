import type { DestinationType } from '../dsl/language/capabilities.ts';

/** Who a call is about, with the identities a destination may key on. */
export interface UserRef {
  id: string;
  email?: string;
  identities: Record<string, string>;
}

/** A var change; an increment also carries the value it leads to, for APIs that cannot add. */
export type VarChange = { set: unknown } | { increment: number; result: number } | { delete: true };

/** One effect, rendered: templates are already text, the user is resolved. */
export type DestinationCall =
  | { kind: 'set_var'; user: UserRef; vars: Record<string, VarChange> }
  | { kind: 'send_email'; user: UserRef; template: string; vars: Record<string, unknown> }
  | { kind: 'send_push'; user: UserRef; title?: string; body: string; deepLink?: string; vars: Record<string, unknown> }
  | { kind: 'send_sms'; user: UserRef; body: string }
  | { kind: 'add_to_list' | 'remove_from_list'; user: UserRef; list: string }
  | { kind: 'send_event'; user: UserRef; event: string; eventType: string; attributes: Record<string, unknown> }
  | { kind: 'webhook'; user: UserRef; url: string; method: string; headers: Record<string, string>; body?: unknown };

export interface CallContext {
  /** Derived from run and step: the same step of the same run always carries the same key. */
  idempotencyKey: string;
  signal?: AbortSignal;
  /** When Temporal scheduled this attempt (epoch ms): simulated time on the time-skipping server. */
  scheduledAt?: number;
}

export interface CallResult {
  /** The destination's own id for what it did (a send id, a delivery id), when it gives one. */
  id?: string;
}

/** A destination as the activities see it. Real HTTP clients and the recording one both fit. */
export interface DestinationClient {
  readonly name: string;
  readonly type: DestinationType;
  perform(call: DestinationCall, context: CallContext): Promise<CallResult>;
}
