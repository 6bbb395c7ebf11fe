import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { StepPlace } from '../../../dsl/edit/index.ts';
import type { DataPath } from '../../../dsl/language/data-path.ts';
import { allSteps, isRecord } from '../../../dsl/parse/walk.ts';

/** The parsed file and where its lines start, made once per text. */
export interface ParsedText {
  data: unknown;
  /** Every step, in reading order, with the line its \`- \` is on. */
  places: StepPlace[];
  keyLines(path: DataPath): Map<string, number>;
}

/** The file parsed once per text: its data, its steps, and for a step (or any map) the line of each of its keys and of its kind's keys. */
export function parseText(text: string): ParsedText {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  let data: unknown;
  try {
    data = doc.errors.length ? undefined : doc.toJS();
  } catch {
    data = undefined;
  }
  const nodeAt = (path: DataPath): unknown => {
    let node: unknown = doc.contents;
    for (const seg of path) {
      if (isMap(node)) node = node.get(seg, true);
      else if (isSeq(node)) node = node.get(Number(seg), true);
      else return undefined;
    }
    return node;
  };
  const lines = (node: unknown, out: Map<string, number>) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      if (key && typeof (key as { value?: unknown }).value === 'string' && key.range) {
        out.set(String((key as { value: unknown }).value), counter.linePos(key.range[0]).line);
      }
    }
  };
  const places: StepPlace[] = isRecord(data)
    ? allSteps(data.steps, ['steps'], '#').map((v) => {
        const node = nodeAt(v.path) as Node | undefined;
        const line = node?.range ? counter.linePos(node.range[0]).line : 0;
        return { path: v.path, position: v.position, id: v.id, kind: v.kind, line };
      })
    : [];
  return {
    data,
    places,
    keyLines(path) {
      const out = new Map<string, number>();
      const step = nodeAt(path);
      if (isMap(step)) for (const pair of step.items) lines(pair.value, out);
      lines(step, out);
      return out;
    },
  };
}

/** The value at a path of plain data. */
export function dataAt(data: unknown, path: DataPath): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}
