import { createHash } from 'node:crypto';
import { DestinationError } from './errors.ts';
import { ApiClient, basic, parseJson, type HttpResponse } from './http.ts';
import type { ClientSettings } from './settings.ts';
import type { CallContext, CallResult, DestinationCall, UserRef, VarChange } from './types.ts';

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
export class MparticleClient extends ApiClient {
  readonly type = 'mparticle' as const;

  constructor(settings: ClientSettings) {
    super(settings, `https://s2s.${settings.get('pod') ?? 'us1'}.mparticle.com`);
  }

  async perform(call: DestinationCall, context: CallContext): Promise<CallResult> {
    const batch: Record<string, unknown> = {
      environment: this.settings.get('environment') ?? 'production',
      source_request_id: stableId(context.idempotencyKey, 'batch'),
      user_identities: userIdentities(call.user),
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
    const authorization = basic(this.settings.get('api_key') ?? '', this.settings.get('api_secret') ?? '');
    const headers = { authorization, 'content-type': 'application/json' };
    await this.send(
      context,
      { method: 'POST', url: `${this.base}/v2/events`, headers, body: withMpid(batch, call.user) },
      { errorText, statusText },
    );
    return { id: batch.source_request_id as string };
  }
}

/** The identity types mParticle's Events API takes in `user_identities` (its spelling; profiles say `customer_id`). */
const EVENTS_API_IDENTITIES = new Set([
  'customerid',
  'email',
  'other',
  'other_id_2',
  'other_id_3',
  'other_id_4',
  'other_id_5',
  'other_id_6',
  'other_id_7',
  'other_id_8',
  'other_id_9',
  'other_id_10',
  'mobile_number',
  'phone_number_2',
  'phone_number_3',
  'facebook',
  'google',
  'microsoft',
  'yahoo',
  'twitter',
  'alias',
  'facebook_custom_audience_id',
]);

/**
 * Each of the user's identities under its own type, as the profile holds them (the one the user
 * was resolved from among them); mpid goes in the batch's own `mpid` field (see withMpid). A user
 * whose id is none of those sent (started by hand with `flows run --user`, or known by a type the
 * Events API does not take) goes out under its id as the customer id.
 */
function userIdentities(user: UserRef): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [type, value] of Object.entries(user.identities)) {
    const name = type === 'customer_id' ? 'customerid' : type;
    if (EVENTS_API_IDENTITIES.has(name)) out[name] = value;
  }
  if (user.email && !out.email) out.email = user.email;
  const sent = Object.values(out).includes(user.id) || user.identities.mpid === user.id;
  if (!sent && !out.customerid) out.customerid = user.id;
  return out;
}

/** The batch's JSON, with the user's mpid as a number written from its digits (it may exceed 2^53). */
function withMpid(batch: Record<string, unknown>, user: UserRef): string {
  const mpid = user.identities.mpid;
  const text = JSON.stringify(batch);
  return mpid !== undefined && /^-?\d{1,20}$/.test(mpid) ? `{"mpid":${mpid},${text.slice(1)}` : text;
}

/** `{"errors":[{code, message}]}`. */
const errorText = (response: HttpResponse): string | undefined =>
  (parseJson(response.text) as { errors?: Array<{ code?: string; message?: string }> } | undefined)?.errors
    ?.map((e) => `${e.message} (${e.code})`)
    .join('; ');

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
