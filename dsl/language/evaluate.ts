import type { ConditionIR } from './conditions.ts';
import { patternMatches } from './patterns.ts';

/** What a condition can read: the trigger or awaited event, the profile, and this run's vars. */
export interface Scope {
  event?: unknown;
  profile?: unknown;
  vars?: unknown;
}

/**
 * Pure and deterministic (the interpreter workflow calls it): `now` comes from the caller.
 * Attribute values arrive as strings ("150"), so numeric and date operators compare them as
 * numbers or dates whenever both sides parse as such, as a marketer would expect.
 */
export function evaluate(condition: ConditionIR, scope: Scope, now: number): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluate(c, scope, now));
  if ('any' in condition) return condition.any.some((c) => evaluate(c, scope, now));
  if ('not' in condition) return !evaluate(condition.not, scope, now);
  const actual = read(scope, condition.field);
  return test(condition.op, actual, condition.value, now);
}

/** Reads a dotted path; through a list of objects it collects the field of every element. */
export function read(root: unknown, path: readonly string[]): unknown {
  let value: unknown = root;
  for (const segment of path) {
    if (value === null || value === undefined) return undefined;
    if (Array.isArray(value) && !/^\d+$/.test(segment)) {
      value = value.map((item) => (item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[segment] : undefined));
    } else if (typeof value === 'object') {
      value = (value as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return value;
}

function test(op: string, actual: unknown, expected: unknown, now: number): boolean {
  switch (op) {
    case 'exists':
      return (actual !== undefined && actual !== null && actual !== '') === expected;
    case 'eq':
      return equal(actual, expected);
    case 'ne':
      return !equal(actual, expected);
    case 'in':
      return (expected as unknown[]).some((e) => equal(actual, e));
    case 'not_in':
      return !(expected as unknown[]).some((e) => equal(actual, e));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((a) => equal(a, expected));
      return typeof actual === 'string' && actual.includes(String(expected));
    case 'matches':
      return actual !== undefined && actual !== null && patternMatches(String(expected), String(actual));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const c = compare(actual, expected);
      if (c === undefined) return false;
      return op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
    }
    case 'before':
    case 'after': {
      const a = asDate(actual);
      const b = asDate(expected);
      if (a === undefined || b === undefined) return false;
      return op === 'before' ? a < b : a > b;
    }
    case 'within_last': {
      const a = asDate(actual);
      return a !== undefined && a <= now && a >= now - Number(expected);
    }
    default:
      return false;
  }
}

// `12`, `-3.5`, `.5`, `7.`, `1e3`, with spaces around. Attribute values come from senders, so each
// part has one way to match (no `\d+\.?\d*`, which backtracks quadratically on 40,000 digits
// and an `x`), and the spaces are trimmed first: trim() drops exactly what `\s` matches.
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** A number, or a string that is one (attributes arrive as strings): the one reading of "a number" in conditions and goal values. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMBER.test(v.trim())) return Number(v);
  return undefined;
}

/** Epoch ms. Numbers below 1e11 are taken as epoch seconds (mParticle and CleverTap use both). */
function asDate(v: unknown): number | undefined {
  const n = asNumber(v);
  if (n !== undefined) return n < 1e11 ? n * 1000 : n;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x === y;
  if (typeof a === 'boolean' || typeof b === 'boolean') return String(a).toLowerCase() === String(b).toLowerCase();
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return typeof a !== 'object' && typeof b !== 'object' && String(a) === String(b);
}

function compare(a: unknown, b: unknown): number | undefined {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x - y;
  const s = typeof a === 'string' && typeof b === 'string' ? [asDate(a), asDate(b)] : [undefined, undefined];
  if (s[0] !== undefined && s[1] !== undefined) return s[0] - s[1];
  return undefined;
}
