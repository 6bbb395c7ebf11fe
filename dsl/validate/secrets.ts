import { envReferences } from '../language/env-references.ts';

/**
 * What a credential written into a file looks like, for the `literal-secret` rule in both
 * flows.config.yaml and flow files. Findings never quote the value: it is the secret.
 */

/** Header names whose values are credentials. */
const SECRET_HEADER = /auth|token|secret|password|passwd|api[-_]?key|passcode|signature|cookie|credential/i;

/** A value that is a credential whatever its header is called: an HTTP auth scheme, then the credential. */
const CREDENTIAL_VALUE = /^\s*(bearer|basic|digest|token)\s+\S/i;

/**
 * Is this header value a credential written out in the file? `${VAR}` references (resolved from
 * the environment where Flowline runs) are not, nor, in flow files, Liquid output: data is not a literal.
 */
export function isLiteralCredential(header: string, value: string, liquid: boolean): boolean {
  if (value.trim() === '' || envReferences(value).length > 0) return false;
  if (liquid && value.includes('{{')) return false;
  return SECRET_HEADER.test(header) || CREDENTIAL_VALUE.test(value);
}

/** Where the `user:password@` of a URL sits (`https://user:pass@host/…`), if it has one. */
function userInfo(text: string): { start: number; at: number } | undefined {
  const scheme = /^\s*[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  if (!scheme) return undefined;
  const start = scheme[0].length;
  let end = start;
  while (end < text.length && !'/?#'.includes(text[end]!)) end++;
  const at = text.lastIndexOf('@', end - 1);
  return at >= start ? { start, at } : undefined;
}

/** Does this URL carry a user name or password before its host? */
export const hasUserInfo = (url: string): boolean => userInfo(url) !== undefined;

/** The URL with its user-info hidden, for messages that must show a URL. */
export function withoutUserInfo(url: string): string {
  const found = userInfo(url);
  return found ? `${url.slice(0, found.start)}***${url.slice(found.at)}` : url;
}

/** The environment variable name suggested for a credential of this destination or step. */
export const envName = (...parts: string[]): string =>
  parts
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '') || 'SECRET';
