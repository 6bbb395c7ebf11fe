import { parseDuration } from './durations.ts';
import { patternProblem } from './patterns.ts';
import type { DataPath } from './data-path.ts';
import { suggestion } from './suggest.ts';

/**
 * The operators a condition may use, each with the words people read for it (the graph, `flows graph`,
 * `flows run`, `flows simulate`): `points ≥ 100`, `plan is one of pro, team`. The flow schema lists them for
 * authors; the evaluator switches on them. `exists: false` reads `is not set`.
 */
export const OPERATOR_WORDS = {
  eq: '=',
  ne: '≠',
  in: 'is one of',
  not_in: 'is not one of',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  contains: 'contains',
  exists: 'is set',
  matches: 'matches',
  before: 'is before',
  after: 'is after',
  within_last: 'is within the last',
} as const satisfies Record<string, string>;

export type Operator = keyof typeof OPERATOR_WORDS;

export type ConditionIR =
  { all: ConditionIR[] } | { any: ConditionIR[] } | { not: ConditionIR } | { field: string[]; op: Operator; value: unknown };

/** What may follow each root. `*` means any name may follow (attributes, vars). */
const FIELDS: Record<string, readonly string[]> = {
  event: [
    'name',
    'type',
    'id',
    'timestamp',
    'attributes',
    'products',
    'revenue',
    'currency',
    'transaction_id',
    'attribute_name',
    'new',
    'old',
    'identity_type',
    'identity',
    'audience_id',
    'audience_name',
  ],
  profile: ['id', 'attributes', 'identities', 'lists', 'audiences', 'vars'],
  vars: ['*'],
};

const FIELD_ROOTS = Object.keys(FIELDS);

/** Whether `name` is a root (`event`, `profile`, `vars`) or one of `root`'s own fields (`event.name`, `profile.lists`). */
export const isFieldName = (root: string, name: string): boolean => FIELD_ROOTS.includes(name) || (FIELDS[root]?.includes(name) ?? false);

/** One `FIELD: { OPERATOR: VALUE }` leaf of a raw condition, with where it sits. */
export interface ConditionLeaf {
  field: string;
  op: string;
  value: unknown;
  /** Path to the field's key. */
  path: DataPath;
}

const COMBINATORS = new Set(['all', 'any', 'not']);

/** Every leaf of a raw (schema-valid) condition. */
export function* conditionLeaves(raw: unknown, path: DataPath): Generator<ConditionLeaf> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return;
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'all' || key === 'any') {
      const list = Array.isArray(value) ? value : [];
      for (let i = 0; i < list.length; i++) yield* conditionLeaves(list[i], [...path, key, i]);
    } else if (key === 'not') {
      yield* conditionLeaves(value, [...path, key]);
    } else if (value !== null && typeof value === 'object') {
      for (const [op, operand] of Object.entries(value)) yield { field: key, op, value: operand, path: [...path, key] };
    }
  }
}

/** Why a field path cannot be read, or undefined when it can. */
export function fieldProblem(field: string): { message: string; hint?: string } | undefined {
  const [root, second] = field.split('.');
  if (root === undefined || !(root in FIELDS)) {
    return {
      message: `condition field '${field}' must start with event., profile. or vars.`,
      hint: suggestion(root ?? '', FIELD_ROOTS)
        ? `did you mean '${field.replace(/^[^.]*/, suggestedRoot(root ?? ''))}'?`
        : `e.g. event.attributes.${field} or profile.attributes.${field}`,
    };
  }
  const allowed = FIELDS[root]!;
  if (second === undefined || second === '') {
    return {
      message: `condition field '${field}' names no value under ${root}.`,
      hint: `e.g. ${root}.${allowed[0] === '*' ? 'name' : allowed[0]}`,
    };
  }
  if (allowed[0] !== '*' && !allowed.includes(second)) {
    return {
      message: `'${second}' is not a field of ${root}; ${root} has ${allowed.join(', ')}`,
      hint: suggestion(second, allowed),
    };
  }
  return undefined;
}

const suggestedRoot = (root: string): string => {
  const hint = suggestion(root, FIELD_ROOTS);
  return hint ? hint.slice("did you mean '".length, -2) : root;
};

/** Why an operand does not fit its operator, or undefined when it does. */
export function operandProblem(op: string, value: unknown): { message: string; hint?: string } | undefined {
  switch (op) {
    case 'matches':
      return patternProblem(String(value));
    case 'before':
    case 'after':
      return Number.isNaN(Date.parse(String(value)))
        ? { message: `'${String(value)}' is not a date; write ISO 8601, e.g. 2026-01-31` }
        : undefined;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof value === 'string' && Number.isNaN(Number(value)) && Number.isNaN(Date.parse(value))
        ? { message: `'${value}' is neither a number nor a date, so '${op}' cannot compare with it` }
        : undefined;
    default:
      return undefined;
  }
}

/** Compile a schema-valid raw condition. Several keys in one map mean all must hold. */
export function compileCondition(raw: unknown): ConditionIR {
  const parts: ConditionIR[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === 'all' || key === 'any') {
      const list = (value as unknown[]).map(compileCondition);
      parts.push(key === 'all' ? { all: list } : { any: list });
    } else if (key === 'not') {
      parts.push({ not: compileCondition(value) });
    } else if (!COMBINATORS.has(key)) {
      for (const [op, operand] of Object.entries(value as Record<string, unknown>)) {
        parts.push({ field: key.split('.'), op: op as Operator, value: op === 'within_last' ? parseDuration(String(operand)) : operand });
      }
    }
  }
  return parts.length === 1 ? parts[0]! : { all: parts };
}
