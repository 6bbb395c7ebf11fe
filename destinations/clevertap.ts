import { DestinationError } from './errors.ts';
import { ApiClient, parseJson, refusal, type HttpResponse } from './http.ts';
import type { ClientSettings } from './settings.ts';
import type { CallContext, CallResult, DestinationCall, VarChange } from './types.ts';

interface Unprocessed {
  code?: number;
  error?: string;
}

/**
 * CleverTap: profiles and events through `/1/upload` (which answers 200 even when records
 * fail: `unprocessed[]` is read and failures reported), push and SMS through the send APIs.
 * The account allows 15 uploads in flight; the config's `concurrency` caps them.
 */
export class ClevertapClient extends ApiClient {
  readonly type = 'clevertap' as const;

  constructor(settings: ClientSettings) {
    super(settings, `https://${settings.get('region') ?? 'eu1'}.api.clevertap.com`);
  }

  async perform(call: DestinationCall, context: CallContext): Promise<CallResult> {
    const ts = Math.floor((context.scheduledAt ?? Date.now()) / 1000);
    switch (call.kind) {
      case 'set_var':
        await this.upload({ type: 'profile', identity: call.user.id, ts, profileData: profileData(call.vars) }, context);
        return {};
      case 'send_event':
        await this.upload({ type: 'event', identity: call.user.id, ts, evtName: call.event, evtData: call.attributes }, context);
        return {};
      case 'send_push':
        return this.message(
          '/1/send/push.json',
          {
            to: { Identity: [call.user.id] },
            tag_group: 'flowline',
            respect_frequency_caps: false,
            content: {
              title: call.title,
              body: call.body,
              ...(call.deepLink !== undefined
                ? { platform_specific: { android: { deep_link: call.deepLink }, ios: { deep_link: call.deepLink } } }
                : {}),
            },
          },
          context,
        );
      case 'send_sms':
        return this.message(
          '/1/send/sms.json',
          { to: { Identity: [call.user.id] }, tag_group: 'flowline', content: { body: call.body } },
          context,
        );
      default:
        throw new DestinationError(`CleverTap cannot ${call.kind}`, false);
    }
  }

  private headers() {
    return {
      'X-CleverTap-Account-Id': this.settings.get('account_id') ?? '',
      'X-CleverTap-Passcode': this.settings.get('passcode') ?? '',
      'content-type': 'application/json; charset=utf-8',
    };
  }

  private async upload(record: unknown, context: CallContext): Promise<void> {
    const response = await this.post('/1/upload', { d: [record] }, context);
    const body = parseJson(response.text) as { unprocessed?: Unprocessed[] } | undefined;
    const failed = body?.unprocessed ?? [];
    if (failed.length > 0) {
      // 555 is CleverTap's only per-record code worth retrying (a server error).
      const retryable = failed.every((f) => f.code === 555);
      const text = `record not processed: ${failed
        .slice(0, 5)
        .map((f) => `${f.error ?? 'unknown'} (code ${f.code})`)
        .join('; ')}`;
      throw new DestinationError(refusal(response, text), retryable, { status: response.status });
    }
  }

  private async message(path: string, body: unknown, context: CallContext): Promise<CallResult> {
    const response = await this.post(path, body, context);
    const answer = parseJson(response.text) as { status?: string; message_id?: string | number; error?: string } | undefined;
    if (answer?.status === 'fail')
      throw new DestinationError(refusal(response, answer.error ?? 'send failed'), false, { status: response.status });
    return answer?.message_id !== undefined ? { id: String(answer.message_id) } : {};
  }

  private async post(path: string, body: unknown, context: CallContext): Promise<HttpResponse> {
    const request = { method: 'POST', url: `${this.base}${path}`, headers: this.headers(), body: JSON.stringify(body) };
    return this.send(context, request, { errorText });
  }
}

const errorText = (response: HttpResponse): string | undefined => (parseJson(response.text) as { error?: string } | undefined)?.error;

/** CleverTap adds natively ($incr / $decr); a property is removed with $delete. */
const profileData = (changes: Record<string, VarChange>) =>
  Object.fromEntries(
    Object.entries(changes).map(([name, c]) => [
      name,
      'set' in c ? c.set : 'increment' in c ? (c.increment < 0 ? { $decr: -c.increment } : { $incr: c.increment }) : { $delete: true },
    ]),
  );
