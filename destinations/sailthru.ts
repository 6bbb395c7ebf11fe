import { createHash } from 'node:crypto';
import { DestinationError } from './errors.ts';
import { ApiClient, check, exchange, parseJson, refusal, type HttpResponse } from './http.ts';
import type { ClientSettings } from './settings.ts';
import { resultingValues } from './var-values.ts';
import type { CallContext, CallResult, DestinationCall, UserRef } from './types.ts';

/** sig = md5(secret + the sorted parameter values, joined): Sailthru's request signature. */
export function sailthruSignature(secret: string, values: string[]): string {
  return createHash('md5')
    .update(secret + [...values].sort().join(''), 'utf8')
    .digest('hex');
}

// Error codes for a recipient Sailthru will not send to: final, never worth a retry.
const NOT_SENDABLE = new Set([32, 33, 34, 35, 37]);

/**
 * Sailthru (Marigold Engage by Sailthru): form POSTs of one signed `json` parameter.
 * set_var and lists via /user, email via /send, events via /event.
 */
export class SailthruClient extends ApiClient {
  readonly type = 'sailthru' as const;

  constructor(settings: ClientSettings) {
    super(settings, 'https://api.sailthru.com');
  }

  async perform(call: DestinationCall, context: CallContext): Promise<CallResult> {
    const id = key(call.user);
    switch (call.kind) {
      case 'set_var':
        await this.post('/user', { ...id, vars: resultingValues(call.vars, '') }, context);
        return {};
      case 'add_to_list':
      case 'remove_from_list':
        await this.post('/user', { ...id, lists: { [call.list]: call.kind === 'add_to_list' ? 1 : 0 } }, context);
        return {};
      case 'send_email': {
        if (!call.user.email) throw new DestinationError(`user ${call.user.id} has no email identity; Sailthru sends to an address`, false);
        const body = (await this.post('/send', { template: call.template, email: call.user.email, vars: call.vars }, context)) as {
          send_id?: string;
        };
        return body?.send_id ? { id: body.send_id } : {};
      }
      case 'send_event':
        await this.post('/event', { ...id, event: call.event, vars: call.attributes }, context);
        return {};
      default:
        throw new DestinationError(`Sailthru cannot ${call.kind}`, false);
    }
  }

  private async post(path: string, data: unknown, context: CallContext): Promise<unknown> {
    const apiKey = this.settings.get('api_key') ?? '';
    const json = JSON.stringify(data);
    const form = new URLSearchParams({
      api_key: apiKey,
      format: 'json',
      json,
      sig: sailthruSignature(this.settings.get('api_secret') ?? '', [apiKey, 'json', json]),
    });
    const response = await exchange(this.name, {
      method: 'POST',
      url: `${this.base}${path}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      timeoutMs: this.settings.timeoutMs,
      signal: context.signal,
    });
    const body = parseJson(response.text) as { error?: number; errormsg?: string } | undefined;
    if (response.status === 200 && body?.error === undefined) return body;
    const code = body?.error;
    const said = (what: string) => refusal(response, `${what} (${code}): ${body?.errormsg ?? ''}`);
    if (code === 9) throw new DestinationError(said('Sailthru internal error'), true, { status: response.status });
    if (code !== undefined && NOT_SENDABLE.has(code))
      throw new DestinationError(said('recipient not sendable'), false, { status: response.status });
    check(this.name, response, { errorText: errorText, retryAfter: resetWait });
    throw new DestinationError(refusal(response, errorText(response) ?? 'unexpected answer'), false, { status: response.status });
  }
}

const errorText = (response: HttpResponse): string | undefined => {
  const body = parseJson(response.text) as { error?: number; errormsg?: string } | undefined;
  return body?.errormsg ? `${body.errormsg} (Sailthru error ${body.error})` : undefined;
};

/** Sailthru sends no Retry-After; X-Rate-Limit-Reset is the epoch second its window resets. */
const resetWait = (response: HttpResponse): number | undefined => {
  const reset = Number(response.headers.get('x-rate-limit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : undefined;
};

const key = (user: UserRef) => (user.email ? { id: user.email, key: 'email' } : { id: user.id, key: 'extid' });
