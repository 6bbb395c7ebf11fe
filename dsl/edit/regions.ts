import { isScalar, type Node, type Pair, type YAMLSeq } from 'yaml';
import { dashOffset, isCommentLine, lastContent, type Parsed } from './document.ts';
import { refuse } from './types.ts';

/** A run of whole lines, `from` a line's start `to` just past the last line's end. */
export interface LineRegion {
  from: number;
  to: number;
  /** The column of the `-` or the key that starts it. */
  column: number;
}

/**
 * The lines of one item of a block list: the comment lines directly above its `-` (no blank line
 * between, not indented past the dash), its own lines, and comment lines right after it indented
 * past the dash (they are inside it).
 */
export function itemRegion(parsed: Parsed, seq: YAMLSeq, index: number): LineRegion {
  const dash = dashOffset(seq, index);
  if (dash === undefined) return refuse('a list item whose `-` cannot be found');
  const node = seq.items[index] as Node | null;
  const end = node?.range && node.range[1] > node.range[0] ? lastContent(parsed, node) : dash;
  return lineRegion(parsed, dash, Math.max(end, dash));
}

/** The lines of one pair of a block map, its key first on its line: as an item's (leading and trailing comments). */
export function pairRegion(parsed: Parsed, pair: Pair): LineRegion {
  const key = pair.key as Node;
  const value = pair.value as Node | null;
  const end = value?.range && value.range[1] > value.range[0] ? lastContent(parsed, value) : key.range![1] - 1;
  return lineRegion(parsed, key.range![0], Math.max(end, key.range![0]));
}

function lineRegion(parsed: Parsed, startOffset: number, endOffset: number): LineRegion {
  const { lines } = parsed;
  const column = lines.column(startOffset);
  let first = lines.lineOf(startOffset);
  while (first > 0 && isCommentLine(parsed, first - 1) && lines.indent(first - 1) <= column) first--;
  let last = lines.lineOf(endOffset);
  while (last + 1 < lines.count && isCommentLine(parsed, last + 1) && lines.indent(last + 1) > column) last++;
  return { from: lines.start(first), to: lines.after(last), column };
}

/** The offset just past the `:` after a pair's key. */
export function afterColon(parsed: Parsed, pair: Pair): number {
  const key = pair.key as Node;
  if (!isScalar(key) || !key.range) return refuse('a key that is not plain text');
  let at = key.range[1];
  while (parsed.text[at] === ' ' || parsed.text[at] === '\t') at++;
  if (parsed.text[at] !== ':') return refuse(`the key '${String(key.value)}' is written in a form an edit cannot map (no ':' after it)`);
  return at + 1;
}

/** Whether any comment starts in [from, to). */
export function hasComment(comments: readonly number[], from: number, to: number): boolean {
  return comments.some((c) => c >= from && c < to);
}
