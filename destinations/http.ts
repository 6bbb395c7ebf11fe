import { DestinationError } from './errors.ts';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * One HTTP exchange with a destination. A timeout or a connection failure is a retryable
 * DestinationError; any answer, whatever its status, is returned for the client to classify.
 * Temporal does the retrying: there is no loop here.
 */
export async function exchange(destination: string, request: HttpRequest): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers ?? {},
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal,
      redirect: 'manual',
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    const host = safeHost(request.url);
    if (timeout.aborted) throw new DestinationError(`no answer from ${host} within ${request.timeoutMs} ms`, true, { destination });
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new DestinationError(`cannot reach ${host}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, true, { destination });
  }
}

/** Host only: URLs may carry tokens, and errors end up in Temporal history. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the destination';
  }
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The shared classification of an answer: 2xx passes; 408, 429 and 5xx are retryable (after
 * Retry-After, or what the destination gives instead); any other status is not, and carries
 * the destination's own error text.
 */
export function check(
  destination: string,
  response: HttpResponse,
  options: { errorText?: (response: HttpResponse) => string | undefined; retryAfter?: (response: HttpResponse) => number | undefined } = {},
): void {
  if (response.status >= 200 && response.status < 300) return;
  const text = options.errorText?.(response) ?? (response.text.slice(0, 300) || 'no details');
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  const wait = retryable ? (retryAfterMs(response.headers) ?? options.retryAfter?.(response)) : undefined;
  throw new DestinationError(`${response.status}: ${text}`, retryable, {
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
