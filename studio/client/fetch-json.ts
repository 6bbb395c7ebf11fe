import type { ErrorAnswer } from '../api.ts';

/** A route's answer, typed by studio/api.ts; its error's words when it is not a success. */
export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => ({}))) as T | Partial<ErrorAnswer>;
  if (!res.ok) throw new Error((body as Partial<ErrorAnswer>).error ?? `${res.status} ${res.statusText}`);
  return body as T;
}

/** The page's query string, read and changed without a reload. */
export const query = new URLSearchParams(location.search);

export function setQuery(changes: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(changes)) {
    if (v) query.set(k, v);
    else query.delete(k);
  }
  const q = query.toString();
  history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}`);
}
