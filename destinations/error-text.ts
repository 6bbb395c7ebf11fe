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

// Shorter encoded forms are left alone: a few base64 or hex characters occur in ordinary text.
const MIN_ENCODED = 6;

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** A regex source matching `text` in any letter case (ASCII letters and those with a one-character other case). */
const caseless = (text: string): string =>
  [...text]
    .map((c) => {
      const [lower, upper] = [c.toLowerCase(), c.toUpperCase()];
      return lower !== upper && lower.length === 1 && upper.length === 1 ? `[${escape(lower)}${escape(upper)}]` : escape(c);
    })
    .join('');

/**
 * The base64 characters that depend on the secret's bytes alone, with the secret at each of the
 * three byte alignments: in `base64("key:" + secret)` the characters at the secret's edges mix in
 * its neighbours' bits, the ones between do not, whatever precedes it.
 */
function base64Cores(secret: Buffer): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), secret]).toString('base64');
    // Character 4g+j of base64 reads bytes 3g+[0,0,1,2][j] to 3g+[0,1,2,2][j]: keep those read only from the secret.
    let core = '';
    for (let c = 0; c < encoded.length; c++) {
      const group = 3 * Math.floor(c / 4);
      const first = group + [0, 0, 1, 2][c % 4]!;
      const last = group + [0, 1, 2, 2][c % 4]!;
      if (first >= offset && last < offset + secret.length) core += encoded[c];
    }
    if (core.length >= MIN_ENCODED) cores.push(core);
  }
  return cores;
}

/**
 * Regex sources for the ways a destination may echo a secret: as it is or in another letter case,
 * URL- and form-encoded (any case of the %XX digits), as hex, and as base64 or base64url at any
 * alignment (case-significant, so matched exactly).
 */
function spellings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const texts = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
  const hex = bytes.toString('hex');
  if (hex.length >= MIN_ENCODED) texts.add(hex);
  const cores = base64Cores(bytes).flatMap((core) => [core, core.replace(/\+/g, '-').replace(/\//g, '_')]);
  return [...[...texts].map(caseless), ...[...new Set(cores)].map(escape)];
}

/**
 * `text` without the secrets given, however spelled (see `spellings`), and without anything
 * shaped like a credential.
 */
export function redact(message: string, secrets: Iterable<string>): string {
  // Every stretch any spelling of any secret covers, merged where they overlap: a secret that
  // contains another, or overlaps it, is replaced whole whatever the order.
  const spans: Array<[number, number]> = [];
  for (const secret of new Set(secrets)) {
    if (secret.length < 4) continue;
    for (const source of spellings(secret)) {
      const pattern = new RegExp(source, 'g');
      for (let m = pattern.exec(message); m; m = pattern.exec(message)) {
        spans.push([m.index, m.index + m[0].length]);
        pattern.lastIndex = m.index + 1;
      }
    }
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    if (end <= at) continue; // within the stretch already replaced
    if (start >= at) out += `${message.slice(at, start)}${REDACTED}`; // else it extends that stretch
    at = end;
  }
  out += message.slice(at);
  return out.replace(SCHEME, `$1$2${REDACTED}`).replace(NAMED, `$1$2${REDACTED}`);
}
