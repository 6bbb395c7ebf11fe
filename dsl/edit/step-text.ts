import { parseDocument, visit } from 'yaml';
import { isRecord } from '../parse/walk.ts';
import { dedent } from './lines.ts';
import type { ItemContent } from './text-ops.ts';
import { refuse } from './types.ts';

/** A step given as data, or as the YAML text of one step (kept as written: its comments and layout). */
export function stepContent(step: unknown): { content: ItemContent; value: unknown } {
  if (typeof step !== 'string') return { content: { value: step }, value: step };
  const source = step.replace(/\r\n/g, '\n');
  const doc = parseDocument(source);
  if (doc.errors.length) return refuse(`the step is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  let anchored = false;
  visit(doc, {
    Alias() {
      anchored = true;
    },
    Node(_, n) {
      if ((n as { anchor?: string }).anchor) anchored = true;
    },
  });
  if (anchored) refuse('the step uses anchors or aliases: write it without them');
  const value = doc.toJS();
  if (typeof value === 'string') return { content: { value }, value };
  const body = dedent(source.replace(/^(\s*\n)+/, '').replace(/\s+$/, ''));
  if (Array.isArray(value)) {
    if (value.length !== 1) return refuse(`give one step, not a list of ${value.length}`);
    if (!/^(#.*\n)*- /.test(body)) return refuse('the step is written in a form an edit cannot place: give it as a map');
    return { content: { lines: body, column: 0 }, value: value[0] };
  }
  if (!isRecord(value)) return refuse('a step is a map (`wait: 1d`, `send_email: …`) or the word exit');
  const lines = body.split('\n');
  const lead = lines.findIndex((l) => !l.trimStart().startsWith('#'));
  const item = [...lines.slice(0, lead), `- ${lines[lead]}`, ...lines.slice(lead + 1).map((l) => (l.trim() === '' ? l : `  ${l}`))];
  return { content: { lines: item.join('\n'), column: 0 }, value };
}
