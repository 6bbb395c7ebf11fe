import type { ErrorAnswer, SessionAnswer } from '../../api.ts';
import { getJson } from '../fetch-json.ts';

let session: Promise<SessionAnswer> | undefined;
/** The token once known: a write then goes out at once, not a turn of the event loop later (after the page has drawn). */
let csrfKnown: string | undefined;

/** What this studio allows (read-only? git? GitHub?) and the CSRF token its writes carry; asked once per page. */
export const studioSession = (): Promise<SessionAnswer> =>
  (session ??= getJson<SessionAnswer>('/api/session').then((s) => {
    csrfKnown = s.csrf;
    return s;
  }));

/** A refused write: its words, and the answer's body (a 409 carries the file as it now is). */
export class WriteRefused extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** A write to the studio: JSON, with the CSRF header; a refusal's words as the error. */
export async function postJson<T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const csrf = csrfKnown ?? (await studioSession()).csrf;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-flowline-csrf': csrf },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  const answer = (await res.json().catch(() => ({}))) as T | Partial<ErrorAnswer>;
  if (!res.ok) {
    const b = answer as Record<string, unknown>;
    throw new WriteRefused(typeof b.error === 'string' ? b.error : `${res.status} ${res.statusText}`, res.status, b);
  }
  return answer as T;
}
