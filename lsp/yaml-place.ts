import { isPair, isScalar, isSeq, parseDocument, visit, type Document, type Pair } from 'yaml';
import type { DataPath } from '../dsl/language/data-path.ts';

/** A plain scalar of a YAML file, and where it sits in the data: what hover, completion and go-to-definition ask about. */
export interface Place {
  /** The data path of the value: for a key, the path of the value it names (so it ends with the key). */
  path: DataPath;
  /** A map's key, a map's value, or an item of a list. */
  role: 'key' | 'value' | 'item';
  /** The scalar as written. */
  text: string;
  /** Offsets in the text: where the scalar starts and ends. */
  start: number;
  end: number;
}

/** Reads a file for its places; a file with YAML errors still yields what the parser could make of it. */
export const readYaml = (text: string): Document => parseDocument(text, { uniqueKeys: false, prettyErrors: false });

/** The scalar at an offset (its start to its end, both included: a cursor right after a word is on it). */
export function placeAt(doc: Document, offset: number): Place | undefined {
  let found: Place | undefined;
  visit(doc, {
    Scalar(key, node, ancestors) {
      const range = node.range;
      if (!range || offset < range[0] || offset > range[1]) return undefined;
      const role = key === 'key' ? 'key' : key === 'value' ? 'value' : 'item';
      found = { path: dataPath([...ancestors, node]), role, text: String(node.source ?? node.value ?? ''), start: range[0], end: range[1] };
      return visit.BREAK;
    },
  });
  return found;
}

/** The data path of the last node of a chain of ancestors (as yaml's visit gives them). */
function dataPath(chain: readonly unknown[]): DataPath {
  const path: (string | number)[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const node = chain[i];
    const next = chain[i + 1];
    if (isPair(node)) path.push(keyText(node));
    else if (isSeq(node)) path.push(node.items.indexOf(next));
  }
  return path;
}

const keyText = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
