import { FAILSAFE_SCHEMA, load, Type } from 'js-yaml';

/**
 * The fast path of reading a flow file. `yaml` (dsl/parse/source.ts) keeps every node's place, which a
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
  // The same as `^\s*[\]}]`: where \s* runs over line ends, the last one starts a line from which
  // only whitespace that ends no line leads to the bracket. Stopping at line ends is ~5x faster.
  /^[^\S\n\r\u2028\u2029]*[\]}]/m,
  /(?:^|[-:[{,])[ \t]*"(?:[^"\\\n]|\\.)*$/m,
  /(?:^|[-:[{,])[ \t]*'(?:[^'\n]|'')*$/m,
];

/** A node as js-yaml composed it: the line it starts on (1-based) and, for a map or list, its parts. */
interface LineNode {
  line: number;
  children: LineNode[];
  value?: unknown;
}

export interface QuickParse {
  data: unknown;
  /** The line a value starts on, when the fast read can tell (the compiler's step lines); else undefined. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/** The file's data as `yaml` would read it, or undefined when only `yaml` can say (or finds a mistake). */
export function quickParse(text: string): QuickParse | undefined {
  if (DEFER.some((pattern) => pattern.test(text))) return undefined;
  let data: unknown;
  try {
    // js-yaml refuses duplicate keys and a second document, as dsl/parse/source.ts reports them.
    data = load(text, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  // An empty file, or one that is not a map, gets its finding from the full path.
  if (data === null || typeof data !== 'object' || Array.isArray(data) || hasNullKey(data)) return undefined;
  // Lines are asked for by the compiler only (flows validate never compiles): read them on first use.
  let root: { node: LineNode | undefined } | undefined;
  return { data, lineOf: (path) => lineAt((root ??= { node: lineTree(text) }).node, path) };
}

/** js-yaml reports each node's start and end as it reads: a tree of them gives the line of any value. */
function lineTree(text: string): LineNode | undefined {
  const stack: LineNode[] = [{ line: 0, children: [] }];
  const listener = (event: 'open' | 'close', state: { line: number; result: unknown }) => {
    if (event === 'open') stack.push({ line: state.line + 1, children: [] });
    else if (stack.length > 1) {
      const node = stack.pop()!;
      node.value = state.result;
      // A list item may be opened twice (as an item, then as a would-be key): keep one node.
      const only = node.children.length === 1 ? node.children[0]! : undefined;
      stack.at(-1)!.children.push(only && only.value === node.value ? only : node);
    }
  };
  load(text, { schema: CORE_SCHEMA, listener });
  return stack[0]!.children.at(-1);
}

/**
 * Follows a path down the node tree. A map's parts are its keys and values in turn, a list's its
 * items; where the parts do not line up with the value (a shape js-yaml composes otherwise), the
 * answer is undefined and the caller asks `yaml`. js-yaml opens a map's value before it skips to
 * the next line, so a collection's line is its first part's, and a scalar's only as a list item.
 */
function lineAt(root: LineNode | undefined, path: readonly (string | number)[]): number | undefined {
  let node = root;
  let inList = false;
  for (const segment of path) {
    if (!node) return undefined;
    const value = node.value;
    if (Array.isArray(value)) {
      if (node.children.length !== value.length || typeof segment !== 'number') return undefined;
      node = node.children[segment];
      inList = true;
    } else if (value !== null && typeof value === 'object') {
      // JavaScript lists integer-like keys first, out of the file's order: leave such maps to yaml.
      const keys = Object.keys(value);
      if (node.children.length !== keys.length * 2 || keys.some((k) => /^\d+$/.test(k))) return undefined;
      const at = keys.indexOf(String(segment));
      if (at < 0 || node.children[at * 2]!.value !== keys[at]) return undefined;
      node = node.children[at * 2 + 1];
      inList = false;
    } else return undefined;
  }
  return node && startLine(node, inList);
}

function startLine(node: LineNode, inList: boolean): number | undefined {
  const first = node.children[0];
  if (Array.isArray(node.value)) return first && startLine(first, true);
  // A map starts at its first key, which js-yaml opens where it stands.
  if (node.value !== null && typeof node.value === 'object') return first?.line;
  return inList ? node.line : undefined;
}

/** A null key (`~:`, `: x`) is "" to `yaml` and "null" to js-yaml; a key spelled null is rare enough to defer too. */
function hasNullKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, v]) => key === 'null' || hasNullKey(v));
}
