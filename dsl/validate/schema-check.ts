import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as AjvModule from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { declareFindings, type Diagnostic, type FindingOptions, type Position } from '../parse/diagnostics.ts';
import type { DataPath } from '../language/data-path.ts';
import { withoutUserInfo } from './secrets.ts';
import { suggestion, uniqueMatch } from '../language/suggest.ts';
import { DESTINATION_TYPES } from '../language/capabilities.ts';
import { isStepKind, STEP_KINDS } from '../language/step-kinds.ts';

/** What the JSON Schema pass reports. */
export const SCHEMA_FINDINGS = declareFindings({
  ids: {
    'unknown-step-kind': 'a step kind that does not exist',
    'unknown-operator': 'a condition operator that does not exist',
    'unknown-property': 'a key the schema does not know at that place',
    'missing-property': 'a required key is missing',
    'wrong-type': 'a value of the wrong type (a list where a map belongs, \u2026)',
    'invalid-value': 'a value outside its allowed range or form',
    'unknown-value': 'a value outside its allowed set (method, region, type, \u2026)',
    schema: 'any other schema violation',
    'flow-id': 'a flow id that is not lowercase kebab-case',
    'step-id': 'a step id that is not lowercase kebab-case',
    status: 'an unknown flow status',
    'wait-for-timeout': 'wait_for without a timeout',
    'wait-until': 'a wait_until time that is not HH:MM',
    'rate-limit': 'a rate limit that is not N/s, N/min or N/h',
  },
  uses: ['duration', 'literal-secret', 'entry'],
});

/** A finding of this pass at a place it already knows. */
type Say = (rule: Parameters<typeof SCHEMA_FINDINGS.finding>[2], message: string, options?: FindingOptions) => Diagnostic;

export type SchemaName = 'flow' | 'config';

/**
 * The `$defs` entries whose errors this pass words by name (their own rule id, message or hint),
 * per schema. Loading a schema without one of them fails, so a renamed entry cannot silently
 * turn its findings generic; and a name compared below that is not listed here does not compile.
 */
export const WORDED_DEFS = {
  flow: [
    'stepObject',
    'operators',
    'exitStep',
    'reentry',
    'status',
    'wait_for',
    'split',
    'topSteps',
    'duration',
    'flowId',
    'stepId',
    'timeOfDay',
  ],
  config: ['operators', 'duration', 'secretRef', 'rateLimit', 'baseUrl', 'timeOfDay'],
} as const satisfies Record<SchemaName, readonly string[]>;

type WordedDef = (typeof WORDED_DEFS)[SchemaName][number];

interface Compiled {
  validate: ValidateFunction;
  /** Which worded `$defs` entry each schema object is: tells what kind of thing an error is about. */
  defNames: Map<unknown, WordedDef>;
  defs: Record<string, { properties?: Record<string, unknown> }>;
}

const compiled = new Map<SchemaName, Compiled>();

/**
 * A file of schema/: two folders up from here in the sources and in dist/dsl/validate/, one up once
 * bundled into dist/cli/validate.js (scripts/build.ts). The nearer is tried first, so the bundle
 * reads dist/schema/ (with its generated validators), never the sources' schema/ beside dist/.
 */
function schemaFile(file: string): URL {
  const near = new URL(`../schema/${file}`, import.meta.url);
  return existsSync(near) ? near : new URL(`../../schema/${file}`, import.meta.url);
}

export function loadSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(schemaFile(`${name}.schema.json`), 'utf8'));
}

/**
 * Ajv's options, at run time and for the validators the build generates (scripts/build.ts). verbose:
 * errors carry the data and parent schema; inlineRefs off: each `$defs` entry is a schema of its own.
 */
export const AJV_OPTIONS = { strict: true, allErrors: true, allowUnionTypes: true, verbose: true, inlineRefs: false } as const;

/** What the build writes beside the schema: the standalone validator, and the schema object of each `$defs` entry it reports. */
interface PrebuiltValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
  defs: Record<string, unknown>;
}

const requireHere = createRequire(import.meta.url);

/**
 * The shipped CLI (dist/) loads the validators the build generated, so a start compiles no schema
 * (~500 ms); the sources compile them with Ajv on first use. Ajv itself is loaded only then.
 */
function validator(name: SchemaName): Compiled {
  let found = compiled.get(name);
  if (!found) {
    const schema = loadSchema(name);
    const defs = (schema.$defs ?? {}) as Compiled['defs'];
    const missing = WORDED_DEFS[name].filter((def) => !Object.hasOwn(defs, def));
    if (missing.length)
      throw new Error(
        `schema/${name}.schema.json has no $defs ${missing.join(', ')}: dsl/validate/schema-check.ts words its errors by these names`,
      );
    // The schema object of each worded entry names it: Ajv reports an error's schema object, not its name.
    const named = (objects: Record<string, unknown>) => new Map<unknown, WordedDef>(WORDED_DEFS[name].map((def) => [objects[def], def]));
    const generated = fileURLToPath(schemaFile(`${name}.validate.cjs`));
    if (existsSync(generated)) {
      const prebuilt = requireHere(generated) as PrebuiltValidator;
      found = { validate: prebuilt as unknown as ValidateFunction, defNames: named(prebuilt.defs), defs };
    } else {
      const { Ajv2020 } = requireHere('ajv/dist/2020.js') as typeof AjvModule;
      found = { validate: new Ajv2020(AJV_OPTIONS).compile(schema), defNames: named(defs), defs };
    }
    compiled.set(name, found);
  }
  return found;
}

/** Where findings go: the file, and the place in it of a path into the data that was checked. */
export interface Placement {
  file: string;
  locate(path: DataPath, target?: 'value' | 'key'): Position;
}

export interface SchemaFinding {
  diagnostic: Diagnostic;
  /** What the finding is about, in the checked data: a value, an unknown key, or where a missing key belongs. */
  path: DataPath;
  /** An unknown key that surely means another one (a typo with one close match absent from its map). */
  meant?: { parent: DataPath; key: string; to: string };
}

/** The schema pass over any data (the file's, or a copy with typos read as meant), placed by `place`. */
export function schemaFindings(name: SchemaName, data: unknown, place: Placement): SchemaFinding[] {
  const { validate, defNames, defs } = validator(name);
  if (validate(data)) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
  const kept = errors.filter((e) => !isShadowed(e, errors, defs));
  const seen = new Set<string>();
  const out: SchemaFinding[] = [];
  for (const error of kept) {
    const def = defNames.get(error.parentSchema);
    const d = describe(error, def, place);
    const key = `${d.line}:${d.column}:${d.rule}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ diagnostic: d, path: findingPath(error), meant: meantKey(error, def) });
  }
  return out;
}

function findingPath(error: ErrorObject): DataPath {
  const path = pathOf(error.instancePath);
  const key = error.params.additionalProperty ?? error.params.unevaluatedProperty ?? error.params.missingProperty;
  return key === undefined ? path : [...path, String(key)];
}

/** The key an unknown key surely means, when exactly one allowed key is that close and its map lacks it. */
function meantKey(error: ErrorObject, def: WordedDef | undefined): SchemaFinding['meant'] {
  if (error.keyword !== 'additionalProperties') return undefined;
  const data = error.data as Record<string, unknown>;
  const key = String(error.params.additionalProperty);
  const to = (def === 'operators' ? operatorAlias(key) : undefined) ?? uniqueMatch(key, allowedKeys(error));
  if (to === undefined || Object.hasOwn(data, to)) return undefined;
  // A step is one kind: a typo is read as its kind only when it has none, as an option only beside one.
  if (def === 'stepObject' && isStepKind(to) === Object.keys(data).some(isStepKind)) return undefined;
  return { parent: pathOf(error.instancePath), key, to };
}

/**
 * Noise that a more specific error at the same place explains: a type error of one alternative,
 * and "unevaluated" keys, which are only unevaluated because their destination type's schema failed
 * (a key that type does not have at all is a mistake of its own, and stays).
 */
function isShadowed(error: ErrorObject, all: ErrorObject[], defs: Compiled['defs']): boolean {
  if (error.keyword !== 'type' && error.keyword !== 'unevaluatedProperties') return false;
  if (error.keyword === 'unevaluatedProperties') {
    const type = (error.data as { type?: unknown }).type;
    const own = typeof type === 'string' && Object.hasOwn(defs, type) ? defs[type]!.properties : undefined;
    const base = (error.parentSchema as { properties?: Record<string, unknown> }).properties ?? {};
    const key = String(error.params.unevaluatedProperty);
    if (own && !Object.hasOwn(own, key) && !Object.hasOwn(base, key)) return false;
  }
  return all.some(
    (o) =>
      o !== error && o.keyword !== error.keyword && o.keyword !== 'unevaluatedProperties' && o.instancePath.startsWith(error.instancePath),
  );
}

const pathOf = (instancePath: string): (string | number)[] =>
  instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

function describe(error: ErrorObject, def: WordedDef | undefined, place: Placement): Diagnostic {
  const path = pathOf(error.instancePath);
  const name = String(path[path.length - 1] ?? 'the file');
  /** Findings at a path (or, with `key`, at the key naming it). */
  const at =
    (p: DataPath, target: 'value' | 'key' = 'value'): Say =>
    (rule, message, options) =>
      SCHEMA_FINDINGS.finding(place.file, place.locate(p, target), rule, message, options);
  const value = error.data;

  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String(error.params.additionalProperty);
      const allowed = allowedKeys(error);
      const hint = suggestion(extra, allowed);
      const say = at([...path, extra], 'key');
      if (def === 'stepObject') {
        return say('unknown-step-kind', `unknown step kind '${extra}'`, { hint: hint ?? `a step is one of: ${STEP_KINDS.join(', ')}` });
      }
      if (def === 'operators') {
        const alias = operatorAlias(extra);
        return say('unknown-operator', `unknown operator '${extra}'`, {
          hint: (alias ? `did you mean '${alias}'?` : hint) ?? `operators: ${allowed.join(', ')}`,
        });
      }
      return say('unknown-property', `unknown key '${extra}' in ${where(path)}`, {
        hint: hint ?? (allowed.length ? `allowed here: ${allowed.join(', ')}` : undefined),
      });
    }
    case 'const':
      if (def === 'exitStep') {
        return at(path)('unknown-step-kind', `unknown step '${String(value)}'; the only step written as a plain word is 'exit'`, {
          hint: suggestion(String(value), STEP_KINDS) ?? 'write other steps as a map, e.g. `- wait: 1d`',
        });
      }
      return at(path)('invalid-value', `${name} must be ${JSON.stringify(error.params.allowedValue)}`);
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const rule = def === 'reentry' ? 'entry' : def === 'status' ? 'status' : 'unknown-value';
      return at(path)(rule, `unknown ${name} ${shownValue(value)}; expected one of ${allowed.join(', ')}`, {
        hint: suggestion(String(value), allowed),
      });
    }
    case 'required': {
      const missing = String(error.params.missingProperty);
      if (def === 'wait_for' && missing === 'timeout') {
        return at(path, 'key')('wait-for-timeout', 'wait_for needs a timeout: without one a run could wait forever', {
          hint: 'add `timeout: 2d` (or any duration) and say what happens in `else:`',
        });
      }
      return at(path, 'key')('missing-property', `${where(path)} is missing '${missing}'`, { hint: requiredHint(def, missing) });
    }
    case 'pattern':
      return patternDiagnostic(def, name, value, at(path));
    case 'type': {
      if (def === 'duration') return patternDiagnostic(def, name, value, at(path));
      const expected = String(error.params.type).split(',').map(typeWord).join(' or ');
      return at(path)('wrong-type', `${name} must be ${expected}, not ${typeWord(kindOf(value))}`);
    }
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties':
      return at(path)('invalid-value', countMessage(def, name, error));
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
    case 'uniqueItems':
      return at(path)('invalid-value', `${name} ${error.message ?? 'is out of range'}`);
    case 'unevaluatedProperties': {
      const extra = String(error.params.unevaluatedProperty);
      return at([...path, extra], 'key')('unknown-property', `unknown key '${extra}' for this destination type`, {
        hint: 'see docs/configuration.md for the keys each destination type accepts',
      });
    }
    default:
      return at(path)('schema', `${name} ${error.message ?? 'is invalid'}`);
  }
}

function patternDiagnostic(def: WordedDef | undefined, name: string, value: unknown, say: Say): Diagnostic {
  const shown = JSON.stringify(value);
  switch (def) {
    case 'duration':
      return say('duration', `${shown} is not a duration`, { hint: 'write a whole number and one unit: 30s, 15m, 2h, 3d or 1w' });
    case 'flowId':
      return say('flow-id', `flow id ${shown} is not lowercase kebab-case`, {
        hint: `use letters, digits and single dashes, e.g. '${kebab(String(value))}'`,
      });
    case 'stepId':
      return say('step-id', `step id ${shown} is not lowercase kebab-case`, {
        hint: `use letters, digits and single dashes, e.g. '${kebab(String(value))}'`,
      });
    case 'secretRef':
      return say('literal-secret', `${name} holds a literal value; credentials must be environment references`, {
        hint: `write ${name}: \${${name.toUpperCase()}} (an env var name) and set the variable where Flowline runs`,
        sensitive: true,
      });
    case 'rateLimit':
      return say('rate-limit', `${shown} is not a rate limit`, { hint: 'write requests per unit: 100/s, 15000/min or 3600/h' });
    case 'timeOfDay':
      return say('wait-until', `${shown} is not a time of day`, { hint: 'write 24-hour HH:MM, e.g. "09:00"' });
    case 'baseUrl': {
      // A password before the host stays out of the message; the literal-secret check says why.
      const url = JSON.stringify(withoutUserInfo(String(value)));
      return say('invalid-value', `${url} is not an http(s) URL`, { hint: 'e.g. https://api.example.com', sensitive: url !== shown });
    }
    default:
      return say('invalid-value', `${name} ${shown} has the wrong form`);
  }
}

/** Spellings from other tools and from maths that mean one of our operators. */
const OPERATOR_ALIASES: Record<string, string> = {
  equals: 'eq',
  equal: 'eq',
  is: 'eq',
  '=': 'eq',
  '==': 'eq',
  not_equals: 'ne',
  '!=': 'ne',
  neq: 'ne',
  greater_than: 'gt',
  '>': 'gt',
  '>=': 'gte',
  less_than: 'lt',
  '<': 'lt',
  '<=': 'lte',
  includes: 'contains',
  has: 'contains',
  one_of: 'in',
  regex: 'matches',
  exist: 'exists',
  is_set: 'exists',
};

const operatorAlias = (word: string): string | undefined =>
  Object.hasOwn(OPERATOR_ALIASES, word.toLowerCase()) ? OPERATOR_ALIASES[word.toLowerCase()] : undefined;

function allowedKeys(error: ErrorObject): string[] {
  const props = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

function where(path: (string | number)[]): string {
  const named = [...path].reverse().find((s) => typeof s === 'string');
  return named === undefined ? 'the file' : `'${named}'`;
}

function requiredHint(def: WordedDef | undefined, missing: string): string | undefined {
  if (missing === 'destination') return 'name a destination defined in flows.config.yaml';
  if (def === undefined && missing === 'flow') return 'start the file with `flow: my-flow-id`';
  if (missing === 'steps') return 'add `steps:` with at least one step';
  if (missing === 'trigger') return 'add `trigger:` with `event: NAME` (or attribute_change, identity_change, audience)';
  if (missing === 'type') return `set \`type:\` to one of ${DESTINATION_TYPES.join(', ')}`;
  return undefined;
}

function countMessage(def: WordedDef | undefined, name: string, error: ErrorObject): string {
  if (def === 'split' && error.keyword === 'minItems') return 'a split needs at least two branches';
  if (def === 'topSteps' || name === 'steps') return 'a flow needs at least one step';
  return `${name} ${error.message ?? 'has the wrong size'}`;
}

/** A value as the file has it: text quoted as written, anything else as JSON (never `[object Object]`). */
const shownValue = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function typeWord(t: string): string {
  switch (t) {
    case 'object':
      return 'a map';
    case 'array':
      return 'a list';
    case 'string':
      return 'text';
    case 'null':
      return 'empty';
    case 'integer':
      return 'a whole number';
    default:
      return `a ${t}`;
  }
}

const kebab = (s: string): string =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'my-flow';
