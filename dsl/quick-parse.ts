import { FAILSAFE_SCHEMA, load, Type } from 'js-yaml';

/**
 * The fast path of reading a flow file. `yaml` (dsl/source.ts) keeps every node's place, which a
 * finding needs, at about five times js-yaml's cost; most files have no finding. So a file is
 * first read with js-yaml under the scalar rules `yaml` applies (YAML 1.2's core schema, no
 * merge keys, no timestamps), and `yaml` runs only when a place is asked for. Anything the two
 * could read differently is left to `yaml` alone: the answer is then `undefined`.
 */

// YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), as `yaml` resolves plain scalars.
const NULL = /^(?:~|null|Null|NULL)?$/;
const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

const toInt = (text: string): number => {
  if (text.startsWith('0o')) return parseInt(text.slice(2), 8);
  if (text.startsWith('0x')) return parseInt(text.slice(2), 16);
  return Number(text);
};
const toFloat = (text: string): number => {
  const bare = text.replace(/^[-+]/, '');
  if (/^\.nan$/i.test(bare)) return NaN;
  if (/^\.inf$/i.test(bare)) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
};

const CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type('tag:yaml.org,2002:null', { kind: 'scalar', resolve: (s: string) => NULL.test(s), construct: () => null }),
    new Type('tag:yaml.org,2002:bool', { kind: 'scalar', resolve: (s: string) => BOOL.test(s), construct: (s: string) => /^t/i.test(s) }),
    new Type('tag:yaml.org,2002:int', { kind: 'scalar', resolve: (s: string) => INT.test(s), construct: toInt }),
    new Type('tag:yaml.org,2002:float', { kind: 'scalar', resolve: (s: string) => FLOAT.test(s), construct: toFloat }),
  ],
});

/**
 * Text the two parsers may read differently, or that `yaml` reports on even when it parses:
 * tags (`!x`), anchors and aliases (`yaml` limits aliases), directives (`%YAML`), complex keys
 * (`? `), tabs, a flow collection's end at the start of a line (`yaml` warns on its indent),
 * and a quoted value not closed on its own line
 * (js-yaml lets it run on where `yaml` checks its indentation). Conservative: a match only costs
 * the fast path.
 */
const DEFER = [
  /(?:^|[\s[{,])[!&*]\S/m,
  /^%/m,
  /^[ \t-]*\?(?:\s|$)/m,
  /\t/,
  /^\s*[\]}]/m,
  /(?:^|[-:[{,])[ \t]*"(?:[^"\\\n]|\\.)*$/m,
  /(?:^|[-:[{,])[ \t]*'(?:[^'\n]|'')*$/m,
];

/** The file's data as `yaml` would read it, or undefined when only `yaml` can say (or finds a mistake). */
export function quickParse(text: string): unknown {
  if (DEFER.some((pattern) => pattern.test(text))) return undefined;
  let data: unknown;
  try {
    // js-yaml refuses duplicate keys and a second document, as dsl/source.ts reports them.
    data = load(text, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  // An empty file, or one that is not a map, gets its finding from the full path.
  return data !== null && typeof data === 'object' && !Array.isArray(data) && !hasNullKey(data) ? data : undefined;
}

/** A null key (`~:`, `: x`) is "" to `yaml` and "null" to js-yaml; a key spelled null is rare enough to defer too. */
function hasNullKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, v]) => key === 'null' || hasNullKey(v));
}
