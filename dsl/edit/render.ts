import { Document, isScalar, stringify, type Scalar } from 'yaml';
import type { Layout } from './document.ts';

const options = (layout: Layout) => ({ indent: layout.indent, indentSeq: layout.seqIndented, lineWidth: 0, minContentWidth: 0 });

const isScalarValue = (value: unknown): boolean => value === null || typeof value !== 'object';

/** A value written on one line, in the old value's quoting where the new value allows it. */
export function renderInline(value: unknown, layout: Layout, inFlow: boolean, type?: Scalar.Type): string {
  const stringType = type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE' ? type : 'PLAIN';
  if (isScalarValue(value) && !inFlow) {
    const plain = stringify(value, { ...options(layout), defaultStringType: stringType }).trimEnd();
    if (!plain.includes('\n')) return plain;
  }
  // Inside a flow list a string is quoted wherever a flow indicator needs it; strip the brackets.
  const flow = stringify([value], { ...options(layout), collectionStyle: 'flow', defaultStringType: stringType }).trim();
  return flow.replace(/^\[\s*/, '').replace(/\s*\]$/, '');
}

/**
 * What follows `key:` for a value in a block map: ` inline` or lines indented under a key at column 0.
 * A string keeps a block scalar's style (`|`, `>`) when it was written so.
 */
export function renderAfterKey(value: unknown, layout: Layout, type?: Scalar.Type): string {
  const doc = new Document({ k: value });
  const node = doc.get('k', true);
  if (isScalar(node) && typeof value === 'string' && type) node.type = type;
  const text = doc.toString(options(layout)).replace(/\n$/, '');
  return text.slice(2);
}

/** `key: value` lines at column 0. */
export function renderPair(key: string, value: unknown, layout: Layout): string {
  const keyText = stringify(key, options(layout)).trimEnd();
  return `${keyText}:${renderAfterKey(value, layout)}`;
}

/** `- value` lines at column 0 (the item's other lines indented under its dash). */
export function renderItem(value: unknown, layout: Layout): string {
  return stringify([value], options(layout)).replace(/\n$/, '');
}

/** A value as one flow item (inside `[ … ]` or `{ … }`). */
export function renderFlow(value: unknown, layout: Layout): string {
  return renderInline(value, layout, true);
}
