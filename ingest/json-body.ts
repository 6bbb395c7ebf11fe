import secureJson from 'secure-json-parse';
import { badRequest, type FieldProblem } from './errors.ts';
import { fieldProblems } from './field-walk.ts';
import { LIMITS } from './limits.ts';

// Big mpids (over 2^53) lose digits in JSON.parse: keep them as text.
const BIG_MPID = /("mpid"\s*:\s*)(-?\d{16,})/g;

/** How deep the text nests objects and arrays, counted in one pass without recursion. */
function nestingDepth(text: string, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest && (deepest = depth) > stopAbove) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Every string and key over its cap, with its place. */
const oversized = (root: unknown): FieldProblem[] =>
  fieldProblems(root, {
    string: (text) =>
      text.length > LIMITS.stringChars ? `is ${text.length} characters long; the limit is ${LIMITS.stringChars}` : undefined,
    key: (key) => (key.length > LIMITS.keyChars ? `has a key ${key.length} characters long; the limit is ${LIMITS.keyChars}` : undefined),
  });

/**
 * Parses a request body, refusing with 400 what would fail later: nesting deeper than the
 * limit (checked on the text, before parsing, so no recursion can overflow), `__proto__` and
 * `constructor.prototype` keys (Fastify's prototype-poisoning guard, which this parser replaces),
 * and strings or keys over their caps.
 */
export function parseJsonBody(text: string): unknown {
  const depth = nestingDepth(text, LIMITS.depth);
  if (depth > LIMITS.depth) throw badRequest([{ path: '/', message: `nests objects and arrays more than ${LIMITS.depth} deep` }]);
  let body: unknown;
  try {
    body = secureJson.parse(text.replace(BIG_MPID, '$1"$2"'), null, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    const message = (error as Error).message;
    if (/forbidden prototype property/.test(message))
      throw badRequest([{ path: '/', message: 'has a `__proto__` or `constructor.prototype` key; such keys are refused' }]);
    throw badRequest([{ path: '/', message: `is not JSON: ${message}` }]);
  }
  const problems = oversized(body);
  if (problems.length > 0) throw badRequest(problems);
  return body;
}
