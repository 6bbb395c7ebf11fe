import Escher from 'escher-auth';
import { DestinationError } from './errors.ts';
import { ApiClient, parseJson, type HttpResponse } from './http.ts';
import type { ClientSettings } from './settings.ts';
import { resultingValues } from './var-values.ts';
import type { CallContext, CallResult, DestinationCall } from './types.ts';

/** Antavo's Escher settings (its PHP SDK's): ANTAVO-HMAC-SHA256 over host and date. */
export const antavoEscher = (region: string, apiKey?: string, apiSecret?: string) =>
  new Escher({
    algoPrefix: 'ANTAVO',
    vendorKey: 'Antavo',
    hashAlgo: 'SHA256',
    credentialScope: `${region}/api/antavo_request`,
    authHeaderName: 'Authorization',
    dateHeaderName: 'Date',
    ...(apiKey !== undefined ? { accessKeyId: apiKey } : {}),
    ...(apiSecret !== undefined ? { apiSecret } : {}),
  });

/**
 * Antavo Loyalty Cloud: `POST /events` signed with Escher. send_event records an action
 * (a loyalty flow can award points or record an action); set_var is Antavo's `profile` action.
 */
export class AntavoClient extends ApiClient {
  readonly type = 'antavo' as const;
  private readonly region: string;

  constructor(settings: ClientSettings) {
    const region = settings.get('region') ?? 'eu';
    super(settings, `https://api.${region}.antavo.com`);
    this.region = region;
  }

  async perform(call: DestinationCall, context: CallContext): Promise<CallResult> {
    switch (call.kind) {
      case 'send_event':
        return this.event({ customer: call.user.id, action: call.event, data: call.attributes }, context);
      case 'set_var':
        return this.event({ customer: call.user.id, action: 'profile', data: resultingValues(call.vars, null) }, context);
      default:
        throw new DestinationError(`Antavo cannot ${call.kind}`, false);
    }
  }

  private async event(event: unknown, context: CallContext): Promise<CallResult> {
    const url = new URL(`${this.base}/events`);
    const body = JSON.stringify(event);
    const signed = antavoEscher(this.region, this.settings.get('api_key'), this.settings.get('api_secret')).signRequest(
      {
        method: 'POST',
        url: url.pathname,
        headers: [
          ['host', url.host],
          ['content-type', 'application/json; charset="UTF-8"'],
        ],
      },
      body,
      ['content-type'],
    );
    const response = await this.send(
      context,
      {
        method: 'POST',
        url: url.toString(),
        headers: Object.fromEntries(signed.headers.filter(([name]) => name.toLowerCase() !== 'host')),
        body,
      },
      { errorText },
    );
    const answer = parseJson(response.text) as { events?: Array<{ id?: string }> } | undefined;
    const id = answer?.events?.[0]?.id;
    return id ? { id } : {};
  }
}

/** `{"error": {type, code, message}}`, or the same fields at the top level. */
const errorText = (response: HttpResponse): string | undefined => {
  const body = parseJson(response.text) as { error?: { message?: string; type?: string }; message?: string; type?: string } | undefined;
  const error = body?.error ?? body;
  return error?.message ? `${error.message}${error.type ? ` (${error.type})` : ''}` : undefined;
};
