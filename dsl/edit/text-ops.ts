import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { DataPath } from '../language/data-path.ts';
import { commentOffsets, dashOffset, lastContent, type Parsed, type Step } from './document.ts';
import { reindent } from './lines.ts';
import { afterColon, hasComment, itemRegion, pairRegion } from './regions.ts';
import { renderAfterKey, renderFlow, renderInline, renderItem, renderPair } from './render.ts';
import { refuse, showPath } from './types.ts';

/**
 * The writes to a flow file's text, each one splice of the lines (or the characters) involved.
 * Every function takes the text as parsed now and returns the new text (LF line ends).
 */

/** A list item to insert: a value to render, or an item's own lines (a moved step, a step given as text) with its dash's column. */
export type ItemContent = { value: unknown } | { lines: string; column: number };

const splice = (text: string, from: number, to: number, insert: string): string => text.slice(0, from) + insert + text.slice(to);

const isFlow = (node: unknown): boolean => (isMap(node) || isSeq(node)) && node.flow === true;

const isEmptyNode = (node: Node | null | undefined): boolean => !node || !node.range || node.range[1] <= node.range[0];

/** Inserts whole lines at a line start (`at`), adding the text's missing last line end. */
function insertLines(text: string, at: number, block: string): string {
  if (at === text.length && text.length > 0 && !text.endsWith('\n')) return `${text}\n${block}`;
  return splice(text, at, at, `${block}\n`);
}

/** Replaces the value of a pair or a list item (whatever its form) with a new value. */
export function replaceValue(parsed: Parsed, step: Step, value: unknown, options: { dropComments?: boolean } = {}): string {
  const node = step.node;
  const { text, lines, layout } = parsed;
  const where = showPath(step.path);
  const comments = commentOffsets(parsed);
  // A scalar on its own line (not `|`, `>`), and a value inside a flow collection: rewritten where it is.
  if (
    isFlow(step.parent) ||
    (isScalar(node) && !isBlockScalar(node) && (value === null || typeof value !== 'object') && !isEmptyNode(node))
  ) {
    const from = node!.range![0];
    const to = lastContent(parsed, node!) + 1;
    if (hasComment(comments, from, to) && !options.dropComments)
      refuse(`the value of ${where} holds comments that rewriting it would drop; edit inside it`);
    return splice(text, from, to, renderInline(value, layout, isFlow(step.parent), isScalar(node) ? node.type : undefined));
  }
  if (isMap(step.parent)) {
    const pair = step.pair!;
    const from = afterColon(parsed, pair);
    const to = isEmptyNode(node) ? from : lastContent(parsed, node!) + 1;
    if (hasComment(comments, from, to) && !options.dropComments)
      refuse(`the value of ${where} holds comments that rewriting it would drop; edit inside it`);
    const keyColumn = lines.column((pair.key as Node).range![0]);
    const type = isScalar(node) && isBlockScalar(node) ? node.type : undefined;
    return splice(text, from, to, reindent(renderAfterKey(value, layout, type), keyColumn).replace(/^ +(?=\S)/, ' '));
  }
  const seq = step.parent;
  const dash = dashOffset(seq, step.key as number);
  if (dash === undefined) return refuse(`the item ${where} is written in a form an edit cannot map`);
  const from = dash + 1;
  const to = isEmptyNode(node) ? from : lastContent(parsed, node!) + 1;
  if (hasComment(comments, from, to) && !options.dropComments)
    refuse(`the value of ${where} holds comments that rewriting it would drop; edit inside it`);
  const rendered = reindent(renderItem(value, layout), lines.column(dash)).trimStart().slice(1);
  return splice(text, from, to, rendered);
}

const isBlockScalar = (node: Scalar): boolean => node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';

/** Adds a key to a map that lacks it: a line after the map's last pair, or `, key: value` before a flow map's `}`. */
export function addPair(parsed: Parsed, map: YAMLMap, key: string, value: unknown, path: DataPath): string {
  const { text, lines, layout } = parsed;
  if (map.flow) {
    const pairText = renderFlow({ [key]: value }, layout)
      .replace(/^\{\s*/, '')
      .replace(/\s*\}$/, '');
    const last = map.items.at(-1);
    if (!last) {
      const from = map.range![0];
      return splice(text, from, lastContent(parsed, map) + 1, `{ ${pairText} }`);
    }
    const end = lastContent(parsed, (last.value ?? last.key) as Node) + 1;
    if ((last.value as Node | null)?.range === undefined && last.value !== null)
      refuse(`the map ${showPath(path)} is written in a form an edit cannot map`);
    return splice(text, end, end, `, ${pairText}`);
  }
  const first = map.items[0];
  if (!first) return refuse(`the map ${showPath(path)} is written in a form an edit cannot map`);
  const column = lines.column((first.key as Node).range![0]);
  const region = pairRegion(parsed, map.items.at(-1) as Pair);
  return insertLines(text, region.to, reindent(renderPair(key, value, layout), column));
}

/** Removes one pair of a map: its lines (with its own comments), or its text and a comma in a flow map. */
export function deletePair(parsed: Parsed, step: Step, parentStep: Step | undefined): string {
  const map = step.parent as YAMLMap;
  const pair = step.pair!;
  const { text, lines } = parsed;
  const index = map.items.indexOf(pair);
  if (map.items.length === 1) {
    if (!parentStep) return refuse('the file must keep at least one key');
    return replaceValue(parsed, parentStep, {}, { dropComments: true });
  }
  if (map.flow)
    return deleteFlowEntry(
      parsed,
      map.items.map((p) => [(p.key as Node).range![0], lastContent(parsed, (p.value ?? p.key) as Node) + 1]),
      index,
    );
  const keyOffset = (pair.key as Node).range![0];
  if (!lines.firstOnLine(keyOffset)) {
    // The map's first key shares its line with the item's `- `: the next key moves up beside the dash.
    const next = map.items[index + 1]!.key as Node;
    if (hasComment(commentOffsets(parsed), keyOffset, next.range![0])) {
      refuse(`${showPath(step.path)} shares its line with the list's '-' and comments follow it: remove it by hand`);
    }
    return splice(text, keyOffset, next.range![0], '');
  }
  const region = pairRegion(parsed, pair);
  return splice(text, region.from, region.to, '');
}

/** Removes one entry of a flow collection with the comma beside it. */
function deleteFlowEntry(parsed: Parsed, entries: Array<[number, number]>, index: number): string {
  const [from, to] = entries[index]!;
  if (index + 1 < entries.length) return splice(parsed.text, from, entries[index + 1]![0], '');
  return splice(parsed.text, entries[index - 1]![1], to, '');
}

/** Removes one item of a list: its lines (with the comments directly above it), or its text in a flow list; the last one leaves `[]`. */
export function deleteItem(parsed: Parsed, step: Step, parentStep: Step | undefined): string {
  const seq = step.parent as YAMLSeq;
  const index = step.key as number;
  if (seq.items.length === 1) {
    if (!parentStep) return refuse(`the list ${showPath(step.path.slice(0, -1))} cannot be emptied here`);
    return replaceValue(parsed, parentStep, [], { dropComments: true });
  }
  if (seq.flow)
    return deleteFlowEntry(
      parsed,
      seq.items.map((n) => [(n as Node).range![0], lastContent(parsed, n as Node) + 1]),
      index,
    );
  const region = itemRegion(parsed, seq, index);
  return splice(parsed.text, region.from, region.to, '');
}

/** An item's lines as they are written, with the comments that belong to it, to move it elsewhere. */
export function itemContent(parsed: Parsed, seq: YAMLSeq, index: number, data: unknown): ItemContent {
  if (seq.flow) return { value: data };
  const region = itemRegion(parsed, seq, index);
  return { lines: parsed.text.slice(region.from, region.to).replace(/\n$/, ''), column: region.column };
}

/**
 * Inserts an item into a list at `index` (its length appends). A block list gets the item's lines
 * before the index's item (above its comments); a flow list gets a scalar inline, and is turned
 * into a block list (its lines only) for anything else.
 */
export function insertItem(parsed: Parsed, listStep: Step, index: number, content: ItemContent, items: readonly unknown[]): string {
  const seq = listStep.node as YAMLSeq;
  const { text, lines, layout } = parsed;
  const where = showPath(listStep.path);
  if (index < 0 || index > seq.items.length) return refuse(`${where} has ${seq.items.length} items: no place ${index} in it`);
  if (!seq.flow) {
    const dash = dashOffset(seq, 0);
    if (dash === undefined) return refuse(`the list ${where} is written in a form an edit cannot map`);
    const column = lines.column(dash);
    const block = itemLines(content, layout, column);
    const at = index < seq.items.length ? itemRegion(parsed, seq, index).from : itemRegion(parsed, seq, seq.items.length - 1).to;
    return insertLines(text, at, block);
  }
  const inFlow = isFlow(listStep.parent);
  if ('value' in content && (inFlow || content.value === null || typeof content.value !== 'object')) {
    const item = renderFlow(content.value, layout);
    if (seq.items.length === 0) return splice(text, seq.range![0], lastContent(parsed, seq) + 1, `[ ${item} ]`);
    if (index < seq.items.length) {
      const at = (seq.items[index] as Node).range![0];
      return splice(text, at, at, `${item}, `);
    }
    const at = lastContent(parsed, seq.items.at(-1) as Node) + 1;
    return splice(text, at, at, `, ${item}`);
  }
  // A flow list that gets a step (a map, or lines to keep): written as a block list under its key.
  if (inFlow || !isMap(listStep.parent)) return refuse(`${where} is written inside [ ] or { }: write it as a block list first`);
  const from = afterColon(parsed, listStep.pair!);
  const to = lastContent(parsed, seq) + 1;
  if (hasComment(commentOffsets(parsed), from, to))
    return refuse(`${where} is a [ ] list with comments inside: write it as a block list first`);
  const keyColumn = lines.column((listStep.pair!.key as Node).range![0]);
  const column = keyColumn + (layout.seqIndented ? layout.indent : 0);
  const blocks = items.map((item) => itemLines({ value: item }, layout, column));
  blocks.splice(index, 0, itemLines(content, layout, column));
  return splice(text, from, to, `\n${blocks.join('\n')}`);
}

function itemLines(content: ItemContent, layout: Parsed['layout'], column: number): string {
  if ('value' in content) return reindent(renderItem(content.value, layout), column);
  return reindent(content.lines, column - content.column);
}
