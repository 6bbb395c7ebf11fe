import { DestinationError } from './errors.ts';
import { ApiClient, basic, parseJson, refusal, type HttpResponse } from './http.ts';
import type { ClientSettings } from './settings.ts';
import { resultingValues } from './var-values.ts';
import type { CallContext, CallResult, DestinationCall } from './types.ts';

/** `DC-01` → `https://api-01.moengage.com`. */
const moengageHost = (dataCenter: string): string => `https://api-${dataCenter.replace(/^DC-/, '')}.moengage.com`;

/**
 * MoEngage Data API: users (`/v1/customer/{app_id}`) and events (`/v1/event/{app_id}`), Basic
 * auth with the workspace id and Data API key. It sends no messages.
 */
export class MoengageClient extends ApiClient {
  readonly type = 'moengage' as const;

  constructor(settings: ClientSettings) {
    super(settings, moengageHost(settings.get('data_center') ?? 'DC-01'));
  }

  async perform(call: DestinationCall, context: CallContext): Promise<CallResult> {
    switch (call.kind) {
      case 'set_var':
        await this.post('customer', { type: 'customer', customer_id: call.user.id, attributes: resultingValues(call.vars, null) }, context);
        return {};
      case 'send_event':
        await this.post(
          'event',
          {
            type: 'event',
            customer_id: call.user.id,
            actions: [
              {
                action: call.event,
                attributes: call.attributes,
                platform: 'unknown',
                current_time: Math.floor((context.scheduledAt ?? Date.now()) / 1000),
              },
            ],
          },
          context,
        );
        return {};
      default:
        throw new DestinationError(`MoEngage cannot ${call.kind}`, false);
    }
  }

  private async post(resource: 'customer' | 'event', body: unknown, context: CallContext): Promise<void> {
    const appId = encodeURIComponent(this.settings.get('app_id') ?? '');
    const response = await this.send(
      context,
      {
        method: 'POST',
        url: `${this.base}/v1/${resource}/${appId}`,
        // The workspace id stays out of error messages (and so out of Temporal history).
        endpoint: `POST /v1/${resource}/{app_id}`,
        headers: {
          authorization: basic(this.settings.get('app_id') ?? '', this.settings.get('api_key') ?? ''),
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      },
      { errorText },
    );
    const answer = parseJson(response.text) as { status?: string } | undefined;
    if (answer?.status === 'fail')
      throw new DestinationError(refusal(response, errorText(response) ?? 'MoEngage answered fail'), false, { status: response.status });
  }
}

/** `{"status":"fail","error":{message,type}}`, or the flat `{title, description}` of some 429/5xx. */
const errorText = (response: HttpResponse): string | undefined => {
  const body = parseJson(response.text) as
    { error?: { message?: string; type?: string }; title?: string; description?: string } | undefined;
  if (body?.error?.message) return `${body.error.message}${body.error.type ? ` (${body.error.type})` : ''}`;
  return body?.description ?? body?.title;
};
