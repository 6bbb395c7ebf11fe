import { createHash } from 'node:crypto';
import { DestinationError } from './errors.ts';
import { basic, check, exchange, parseJson, type HttpResponse } from './http.ts';
import type { ClientSettings } from './settings.ts';
import type { CallContext, CallResult, DestinationCall, DestinationClient, VarChange } from './types.ts';

/** A stable id from the idempotency key, as mParticle's source_request_id / source_message_id. */
const stableId = (key: string, salt: string): string => {
  const h = createHash('sha256').update(`${salt}:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * mParticle's server-to-server Events API: one batch per call to `/v2/events`, custom events
 * (Antavo's "trigger marketing communication") and user attributes, Basic auth with the input's
 * key and secret. mParticle does not de-duplicate; the batch carries stable source ids.
 */
export class MparticleClient implements DestinationClient {
  readonly type = 'mparticle' as const;
  readonly name: string;
  private readonly base: string;

  constructor(private readonly settings: ClientSettings) {
    this.name = settings.name;
    this.base = settings.baseUrl(`https://s2s.${settings.get('pod') ?? 'us1'}.mparticle.com`);
  }

  async perform(call: DestinationCall, context: CallContext): Promise<CallResult> {
    const batch: Record<string, unknown> = {
      environment: this.settings.get('environment') ?? 'production',
      source_request_id: stableId(context.idempotencyKey, 'batch'),
      user_identities: { customerid: call.user.id, ...(call.user.email ? { email: call.user.email } : {}) },
      timestamp_unixtime_ms: context.scheduledAt ?? Date.now(),
    };
    switch (call.kind) {
      case 'send_event':
        batch.events = [
          {
            event_type: 'custom_event',
            data: {
              event_name: call.event,
              custom_event_type: call.eventType,
              custom_attributes: stringify(call.attributes),
              source_message_id: stableId(context.idempotencyKey, 'event'),
              timestamp_unixtime_ms: context.scheduledAt ?? Date.now(),
            },
          },
        ];
        break;
      case 'set_var': {
        const { set, deleted } = userAttributes(call.vars);
        batch.user_attributes = set;
        if (deleted.length) batch.deleted_user_attributes = deleted;
        batch.events = [];
        break;
      }
      default:
        throw new DestinationError(`mParticle cannot ${call.kind}`, false);
    }
    const response = await exchange(this.name, {
      method: 'POST',
      url: `${this.base}/v2/events`,
      headers: { authorization: basic(this.settings.get('api_key') ?? '', this.settings.get('api_secret') ?? ''), 'content-type': 'application/json' },
      body: JSON.stringify(batch),
      timeoutMs: this.settings.timeoutMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    check(this.name, response, { errorText, statusText });
    return { id: batch.source_request_id as string };
  }
}

/** `{"errors":[{code, message}]}`. */
const errorText = (response: HttpResponse): string | undefined =>
  (parseJson(response.text) as { errors?: Array<{ code?: string; message?: string }> } | undefined)?.errors?.map((e) => `${e.message} (${e.code})`).join('; ');

/** mParticle answers 401 and 403 with no body: say what each means and which settings to check. */
const statusText = (status: number): string | undefined =>
  status === 401
    ? 'no credentials were received (mParticle sends no details; check api_key and api_secret)'
    : status === 403
      ? 'the API key or secret is not valid for this input (mParticle sends no details; check api_key and api_secret)'
      : undefined;

/** mParticle attribute values are strings. */
const stringify = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));

function userAttributes(changes: Record<string, VarChange>): { set: Record<string, unknown>; deleted: string[] } {
  const set: Record<string, unknown> = {};
  const deleted: string[] = [];
  for (const [name, c] of Object.entries(changes)) {
    if ('delete' in c) deleted.push(name);
    else set[name] = 'set' in c ? c.set : c.result;
  }
  return { set, deleted };
}
