import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  visit,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { DataPath } from '../language/data-path.ts';
import { Lines } from './lines.ts';
import { refuse, showPath } from './types.ts';

/** The layout the file already uses, for the lines an edit writes. */
export interface Layout {
  /** Spaces per level of a map under a key (2 or 4). */
  indent: number;
  /** Whether a list under a key has its `- ` indented (`key:\n  - a`) or not (`key:\n- a`). */
  seqIndented: boolean;
}

/** A flow file's text (LF line ends) parsed with every node's place. */
export interface Parsed {
  text: string;
  lines: Lines;
  doc: Document.Parsed;
  data: unknown;
  layout: Layout;
}

/** The text parsed last: an edit's steps parse the text each wrote, and the next step reads the same. Never changed once made. */
let last: Parsed | undefined;

/** Parses a text an edit may write to: one YAML document, no errors. */
export function parseText(text: string): Parsed {
  if (last?.text === text) return last;
  last = parseFresh(text);
  return last;
}

function parseFresh(text: string): Parsed {
  const docs = parseAllDocuments(text, { keepSourceTokens: true });
  if (!Array.isArray(docs)) return refuse('the file holds no YAML document');
  if (docs.length !== 1) return refuse(`the file holds ${docs.length} YAML documents; an edit writes to a file of one`);
  const doc = docs[0]!;
  if (doc.errors.length) return refuse(`the file is not valid YAML (${doc.errors[0]!.message.split('\n')[0]}); fix it first`);
  const lines = new Lines(text);
  return { text, lines, doc, data: doc.toJS({ maxAliasCount: -1 }), layout: layoutOf(doc, lines) };
}

function layoutOf(doc: Document.Parsed, lines: Lines): Layout {
  let indent: number | undefined;
  let seqIndented: boolean | undefined;
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if (!key?.range || !value?.range || (value as YAMLMap).flow) return;
      const keyColumn = lines.column(key.range[0]);
      if (isMap(value) && indent === undefined && value.items[0]) {
        const child = value.items[0].key as Node | null;
        if (child?.range && lines.lineOf(child.range[0]) > lines.lineOf(key.range[0])) {
          const by = lines.column(child.range[0]) - keyColumn;
          if (by === 2 || by === 4) indent = by;
        }
      }
      if (isSeq(value) && seqIndented === undefined) {
        const dash = dashOffset(value, 0);
        if (dash !== undefined && lines.lineOf(dash) > lines.lineOf(key.range[0])) seqIndented = lines.column(dash) > keyColumn;
      }
      // Both known: the rest of the file is not read (a large flow's every pair, on every edit).
      return indent !== undefined && seqIndented !== undefined ? visit.BREAK : undefined;
    },
  });
  return { indent: indent ?? 2, seqIndented: seqIndented ?? true };
}

/** The offset of a block list item's `-`. */
export function dashOffset(seq: YAMLSeq, index: number): number | undefined {
  const token = seq.srcToken;
  if (token?.type !== 'block-seq') return undefined;
  return token.items[index]?.start.find((t) => t.type === 'seq-item-ind')?.offset;
}

/** One step of a walk down a path: the collection, and the key or index in it. */
export interface Step {
  parent: YAMLMap | YAMLSeq;
  key: string | number;
  /** The map's pair, when the parent is a map and the key is there. */
  pair?: Pair;
  node: Node | null | undefined;
  path: DataPath;
}

/** The root's node: the document's contents, a map. */
function rootMap(parsed: Parsed): YAMLMap {
  const root = parsed.doc.contents;
  if (!isMap(root)) return refuse('the file is not a map of keys (flow, trigger, steps, …)');
  return root;
}

/**
 * Walks a path from the root as far as it exists. Refuses to walk through an alias, a merge key
 * or a scalar; `steps` ends at the last collection reached.
 */
export function walk(parsed: Parsed, path: DataPath): { found: Step[]; collection: YAMLMap | YAMLSeq; rest: DataPath; atEmpty?: boolean } {
  let collection: YAMLMap | YAMLSeq = rootMap(parsed);
  const found: Step[] = [];
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const here = path.slice(0, i + 1);
    guardMerge(collection, path.slice(0, i));
    let node: Node | null | undefined;
    let pair: Pair | undefined;
    if (isMap(collection)) {
      if (typeof key !== 'string') return refuse(`${showPath(path.slice(0, i))} is a map: ${key} is not one of its keys`);
      pair = findPair(collection, key);
      if (!pair) return { found, collection, rest: path.slice(i) };
      node = pair.value as Node | null;
    } else {
      if (typeof key !== 'number') return refuse(`${showPath(path.slice(0, i))} is a list: '${key}' is not an index`);
      if (key < 0 || key >= collection.items.length) return { found, collection, rest: path.slice(i) };
      node = collection.items[key] as Node | null;
    }
    found.push({ parent: collection, key, pair, node, path: here });
    if (i === path.length - 1) break;
    if (isAlias(node)) return refuse(`${showPath(here)} is an alias (*${node.source}): edit the value where its anchor is`);
    if (isMap(node) || isSeq(node)) collection = node;
    else if (node === null || node === undefined || (isScalar(node) && node.value === null)) {
      return { found, collection, rest: path.slice(i + 1), atEmpty: true };
    } else
      return refuse(
        `${showPath(here)} is a value (${String((node as { value?: unknown }).value)}), not a map or a list: ${showPath(path)} cannot be reached`,
      );
  }
  return { found, collection, rest: [] };
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === key);
}

function guardMerge(collection: YAMLMap | YAMLSeq, path: DataPath): void {
  if (isMap(collection) && collection.items.some((p) => isScalar(p.key) && p.key.value === '<<')) {
    refuse(`${showPath(path)} uses a merge key (<<): edit it by hand`);
  }
}

/** Refuses when a node (and what it holds) has an anchor, an alias or a merge key: moving or rewriting it would break them. */
export function guardPlain(node: unknown, path: DataPath): void {
  if (!node || typeof node !== 'object') return;
  const what = showPath(path);
  const check = (n: unknown) => {
    if (isAlias(n)) refuse(`${what} holds an alias (*${n.source}): edit it by hand`);
    const anchor = (n as { anchor?: string }).anchor;
    if (anchor) refuse(`${what} holds an anchor (&${anchor}): edit it by hand`);
    if (isMap(n) && n.items.some((p) => isScalar(p.key) && p.key.value === '<<')) refuse(`${what} uses a merge key (<<): edit it by hand`);
  };
  check(node);
  visit(node as Node, {
    Node(_, n) {
      check(n);
    },
    Pair(_, p) {
      check(p.key);
    },
  });
}

/** The offsets of every comment's `#`, found outside scalars (a `#` inside a string is text). */
export function commentOffsets(parsed: Parsed): number[] {
  const inScalar: Array<[number, number]> = [];
  visit(parsed.doc, {
    Scalar(_, s) {
      if (s.range) inScalar.push([s.range[0], s.range[1]]);
    },
  });
  inScalar.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  const text = parsed.text;
  let s = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '#') continue;
    if (i > 0 && !/\s/.test(text[i - 1]!)) continue;
    while (s < inScalar.length && inScalar[s]![1] <= i) s++;
    if (s < inScalar.length && inScalar[s]![0] <= i) continue;
    out.push(i);
    i = parsed.lines.end(parsed.lines.lineOf(i));
  }
  return out;
}

/** The last offset of a node's own text (its last non-space character). */
export function lastContent(parsed: Parsed, node: Node): number {
  let at = node.range![1] - 1;
  while (at > node.range![0] && /\s/.test(parsed.text[at]!)) at--;
  return at;
}

/** A comment line: only a comment on it. */
export const isCommentLine = (parsed: Parsed, line: number): boolean => parsed.lines.line(line).trimStart().startsWith('#');
