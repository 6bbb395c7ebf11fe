/**
 * What of a destination's answer may go into an error message. Messages end up in Temporal
 * history, which keeps failure text unencrypted: only known error fields are read (a body
 * that echoes the request, headers and all, adds nothing), each clipped, and anything that
 * looks like a credential, or is one of the destination's own secrets, is replaced.
 */

const MAX_FIELD = 200;
const MAX_TEXT = 300;
export const REDACTED = '[redacted]';

export const clip = (text: string, max = MAX_FIELD): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? clip(value.trim()) : typeof value === 'number' ? String(value) : undefined;

/**
 * The error text of a JSON answer from its usual fields: `message`, `error` (a string, or an
 * object with `message`), `errors[]` (strings, or objects with `message` / `detail`),
 * `errormsg`, `detail`, `description`, `title`, with `code` / `type` in parentheses.
 */
export function knownErrorText(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  if (b.error && typeof b.error === 'object' && !Array.isArray(b.error)) return knownErrorText(b.error);
  const errors = Array.isArray(b.errors)
    ? b.errors
        .slice(0, 5)
        .map((e) => text(e) ?? knownErrorText(e))
        .filter(Boolean)
    : [];
  const main =
    text(b.message) ??
    text(b.error) ??
    (errors.length ? errors.join('; ') : undefined) ??
    text(b.errormsg) ??
    text(b.detail) ??
    text(b.description) ??
    text(b.title);
  if (!main) return undefined;
  const code = text(b.code) ?? text(b.type);
  return clip(code && code !== main ? `${main} (${code})` : main, MAX_TEXT);
}

// An auth scheme and its token, and `name: value` / `name=value` where the name says credential.
const SCHEME = /\b(Bearer|Basic|Digest|Token|ANTAVO-HMAC-SHA256|AWS4-HMAC-SHA256)(\s+)[^\s"',;]+/gi;
const NAMED =
  /\b([\w-]*(?:authorization|api[_-]?key|secret|token|passcode|password|signature|sig))(\\?"?\s*[:=]\s*\\?"?)([^\s"',;&\\]{6,})/gi;

/** `text` without the secrets given (exact values) and without anything shaped like a credential. */
export function redact(message: string, secrets: Iterable<string>): string {
  let out = message;
  // Longest first, so a secret containing another is replaced whole.
  for (const secret of [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  return out.replace(SCHEME, `$1$2${REDACTED}`).replace(NAMED, `$1$2${REDACTED}`);
}
