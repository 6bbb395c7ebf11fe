import { fetch, type Dispatcher, type Response } from 'undici';
import { clip, knownErrorText } from './error-text.ts';
import { DestinationError } from './errors.ts';
import type { ClientSettings } from './settings.ts';
import type { DestinationType } from '../dsl/language/capabilities.ts';
import type { CallContext, CallResult, DestinationCall, DestinationClient } from './types.ts';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The connection pool to use (a webhook's, pinned to the addresses it checked). */
  dispatcher?: Dispatcher;
  /** How errors name the request; default method and path (never the query, which may carry tokens). */
  endpoint?: string;
}

export interface HttpResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** The answer's body as UTF-8, at most its first MAX_SUCCESS_BODY_BYTES / MAX_ERROR_BODY_BYTES bytes. */
  text: string;
  /** The body went on past that limit; the rest was not read. */
  truncated?: boolean;
  /** What was asked, for error messages: `POST /v2/events`. */
  endpoint: string;
}

/**
 * How much of an answer is read. A destination's body is untrusted in size: a 200 MB error page
 * would grow the worker by as much, and a body that never ends would hold the call until the
 * timeout. A success carries what a client reads (ids, small JSON), an error only its error
 * fields, of which 300 characters are kept: anything beyond is not worth the memory.
 */
export const MAX_SUCCESS_BODY_BYTES = 1024 * 1024;
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
const bodyLimit = (status: number): number => (status >= 200 && status < 300 ? MAX_SUCCESS_BODY_BYTES : MAX_ERROR_BODY_BYTES);

/**
 * The longest wait a destination may ask for (Retry-After, Sailthru's X-Rate-Limit-Reset): a
 * bogus or hostile value would otherwise park a run for years. An hour outlasts any rate-limit
 * window the destinations document; one still not ready then simply refuses again.
 */
const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/**
 * One HTTP exchange with a destination. A timeout or a connection failure is a retryable
 * DestinationError; any answer, whatever its status, is returned for the client to classify.
 * Temporal does the retrying: there is no loop here.
 */
export async function exchange(destination: string, request: HttpRequest): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers ?? {},
      body: request.body,
      dispatcher: request.dispatcher,
      signal,
      redirect: 'manual',
    });
    const body = await readBounded(response.body, bodyLimit(response.status));
    return {
      status: response.status,
      headers: response.headers,
      text: body.text,
      ...(body.truncated ? { truncated: true } : {}),
      endpoint: request.endpoint ?? endpointOf(request),
    };
  } catch (error) {
    const host = safeHost(request.url);
    if (timeout.aborted) throw new DestinationError(`no answer from ${host} within ${request.timeoutMs} ms`, true, { destination });
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new DestinationError(`cannot reach ${host}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, true, { destination });
  }
}

/**
 * At most `limit` bytes of a body, decoded as UTF-8 (as `Response.text()` does). The rest is
 * cancelled, not drained: undici then closes the connection rather than reading the body to its
 * end, which may never come.
 */
async function readBounded(body: Response['body'], limit: number): Promise<{ text: string; truncated: boolean }> {
  if (!body) return { text: '', truncated: false };
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = (await reader.read()) as ReadableStreamReadResult<Uint8Array>;
    if (done) return { text: text + decoder.decode(), truncated: false };
    const room = limit - size;
    if (value.byteLength > room) {
      // A character cut at the limit decodes as U+FFFD: the text is incomplete either way.
      text += decoder.decode(value.subarray(0, room));
      await reader.cancel().catch(() => undefined);
      return { text, truncated: true };
    }
    text += decoder.decode(value, { stream: true });
    size += value.byteLength;
  }
}

const endpointOf = (request: HttpRequest): string => {
  try {
    return `${request.method} ${new URL(request.url).pathname}`;
  } catch {
    return request.method;
  }
};

/** Host only: URLs may carry tokens, and errors end up in Temporal history. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the destination';
  }
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now (uncapped: `check` caps it). */
function retryAfterMs(headers: HttpResponse['headers'], now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface CheckOptions {
  /** The destination's own error text, from the fields its API documents. */
  errorText?: (response: HttpResponse) => string | undefined;
  /** What a status means at this destination when its answer has no text (mParticle's bare 401/403). */
  statusText?: (status: number) => string | undefined;
  retryAfter?: (response: HttpResponse) => number | undefined;
}

/**
 * What a refusal says: the status, the destination's error text and the endpoint refused.
 * Only known error fields are read, never the raw body (it may echo the request's credentials).
 */
export function refusal(
  response: Pick<HttpResponse, 'status' | 'endpoint' | 'text' | 'truncated'>,
  text?: string,
  statusText?: CheckOptions['statusText'],
): string {
  // A cut JSON body does not parse: say so, rather than that the destination gave no text.
  const none = response.truncated
    ? `the answer is over ${bodyLimit(response.status) / 1024} KiB, not read in full`
    : 'the answer has no error text';
  const said = text ?? knownErrorText(parseJson(response.text)) ?? statusText?.(response.status) ?? none;
  return `${response.status}: ${clip(said, 300)} [${response.endpoint}]`;
}

/**
 * The shared classification of an answer: 2xx passes; 408, 429 and 5xx are retryable (after
 * Retry-After, or what the destination gives instead); any other status is not, and carries
 * the destination's own error text.
 */
export function check(destination: string, response: HttpResponse, options: CheckOptions = {}): void {
  if (response.status >= 200 && response.status < 300) return;
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  const asked = retryable ? (retryAfterMs(response.headers) ?? options.retryAfter?.(response)) : undefined;
  // Capped here, so every source of a delay (Retry-After, a client's own header) is; a negative or NaN one is no delay at all.
  const wait = asked !== undefined && asked >= 0 ? Math.min(asked, MAX_RETRY_DELAY_MS) : undefined;
  throw new DestinationError(refusal(response, options.errorText?.(response), options.statusText), retryable, {
    destination,
    status: response.status,
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
  });
}

export function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * A client of one HTTP API: its destination's settings and name, and the API's base URL (the
 * config's `base_url`, else the default the client gives). A client says only its type and its
 * API: the requests it makes (`send` does transport, timeout and classification) and the error
 * fields it reads.
 */
export abstract class ApiClient implements DestinationClient {
  abstract readonly type: DestinationType;
  readonly name: string;
  protected readonly base: string;

  constructor(
    protected readonly settings: ClientSettings,
    defaultBase: string,
  ) {
    this.name = settings.name;
    this.base = settings.baseUrl(defaultBase);
  }

  abstract perform(call: DestinationCall, context: CallContext): Promise<CallResult>;

  /**
   * One request to the API, with the destination's timeout and the call's abort signal, and the
   * shared classification of the answer (`check`). Returns the answer for the client to read.
   */
  protected async send(
    context: Pick<CallContext, 'signal'>,
    request: Omit<HttpRequest, 'timeoutMs' | 'signal'>,
    checks: CheckOptions = {},
  ): Promise<HttpResponse> {
    const response = await exchange(this.name, { ...request, timeoutMs: this.settings.timeoutMs, signal: context.signal });
    check(this.name, response, checks);
    return response;
  }
}
