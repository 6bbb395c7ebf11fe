import { createHash } from 'node:crypto';
import { DestinationError } from './errors.ts';
import { ApiClient, basic, parseJson, type HttpResponse } from './http.ts';
import type { ClientSettings } from './settings.ts';
import { resultingValues } from './var-values.ts';
import type { CallContext, CallResult, DestinationCall } from './types.ts';

const HOSTS = {
  us: { track: 'https://track.customer.io', app: 'https://api.customer.io' },
  eu: { track: 'https://track-eu.customer.io', app: 'https://api-eu.customer.io' },
} as const;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID-shaped id derived from the idempotency key: the same step of the same run always sends
 * the same event id, and Customer.io ignores an event id it has seen.
 */
export function eventUlid(idempotencyKey: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest();
  let out = CROCKFORD[digest[0]! % 8]!; // a ULID's first character is at most 7
  for (let i = 1; i < 26; i++) out += CROCKFORD[digest[i]! % 32]!;
  return out;
}

/**
 * Customer.io: the Track API (Basic site id : track key) for people, events and manual
 * segments; the App API (Bearer) for transactional email, push and SMS.
 */
export class CustomerioClient extends ApiClient {
  readonly type = 'customerio' as const;
  /** The App API's base; `base` is the Track API's. */
  private readonly app: string;

  constructor(settings: ClientSettings) {
    const region = settings.get('region') === 'eu' ? 'eu' : 'us';
    // base_url replaces both hosts (a proxy or a test server serves both APIs).
    super(settings, HOSTS[region].track);
    this.app = settings.baseUrl(HOSTS[region].app);
  }

  async perform(call: DestinationCall, context: CallContext): Promise<CallResult> {
    const person = encodeURIComponent(call.user.id);
    switch (call.kind) {
      case 'set_var':
        await this.trackApi('PUT', `/api/v1/customers/${person}`, resultingValues(call.vars, null), context);
        return {};
      case 'send_event':
        await this.trackApi(
          'POST',
          `/api/v1/customers/${person}/events`,
          { name: call.event, id: eventUlid(context.idempotencyKey), data: call.attributes },
          context,
        );
        return {};
      case 'add_to_list':
      case 'remove_from_list': {
        const action = call.kind === 'add_to_list' ? 'add_customers' : 'remove_customers';
        await this.trackApi(
          'POST',
          `/api/v1/segments/${encodeURIComponent(call.list)}/${action}?id_type=id`,
          { ids: [call.user.id] },
          context,
        );
        return {};
      }
      case 'send_email':
        return this.transactional(
          '/v1/send/email',
          {
            transactional_message_id: call.template,
            identifiers: { id: call.user.id },
            to: call.user.email || undefined,
            message_data: call.vars,
          },
          context,
        );
      case 'send_push':
        return this.transactional(
          '/v1/send/push',
          {
            transactional_message_id: this.settings.get('push_message_id') ?? 'push',
            identifiers: { id: call.user.id },
            title: call.title,
            message: call.body,
            link: call.deepLink,
            message_data: call.vars,
          },
          context,
        );
      case 'send_sms':
        return this.transactional(
          '/v1/send/sms',
          {
            transactional_message_id: this.settings.get('sms_message_id') ?? 'sms',
            identifiers: { id: call.user.id },
            message_data: { body: call.body },
          },
          context,
        );
      default:
        throw new DestinationError(`Customer.io cannot ${call.kind}`, false);
    }
  }

  private async trackApi(method: string, path: string, body: unknown, context: CallContext): Promise<void> {
    const authorization = basic(this.settings.get('site_id') ?? '', this.settings.get('track_api_key') ?? '');
    const headers = { authorization, 'content-type': 'application/json' };
    await this.send(context, { method, url: `${this.base}${path}`, headers, body: JSON.stringify(body) }, { errorText });
  }

  private async transactional(path: string, body: unknown, context: CallContext): Promise<CallResult> {
    const key = this.settings.get('app_api_key');
    if (!key)
      throw new DestinationError(`destination '${this.name}' has no app_api_key: transactional messages need the App API key`, false);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const response = await this.send(
      context,
      { method: 'POST', url: `${this.app}${path}`, headers, body: JSON.stringify(body) },
      { errorText },
    );
    const answer = parseJson(response.text) as { delivery_id?: string } | undefined;
    return answer?.delivery_id ? { id: answer.delivery_id } : {};
  }
}

/** Customer.io's two error shapes: `{meta: {errors: [...]}}` and `{meta: {error}}`. */
const errorText = (response: HttpResponse): string | undefined => {
  const body = parseJson(response.text) as
    { meta?: { errors?: string[]; error?: string }; errors?: Array<{ detail?: string }> } | undefined;
  return body?.meta?.errors?.join('; ') ?? body?.meta?.error ?? body?.errors?.map((e) => e.detail).join('; ');
};
