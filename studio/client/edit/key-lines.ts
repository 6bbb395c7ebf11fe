import { readFlowText, type FlowText } from '../../../dsl/edit/index.ts';
import type { DataPath } from '../../../dsl/language/data-path.ts';

const UNREADABLE: FlowText = { data: undefined, places: [], keyLines: () => new Map() };

/**
 * The file read once per text, sharing the writer's parse (the text an edit just wrote is already
 * parsed): its data, its steps with their lines, and a step's key lines. A text that is not YAML
 * (while typing) reads as empty: the YAML pane and the findings say what is wrong.
 */
export const parseText = (text: string): FlowText => readFlowText(text) ?? UNREADABLE;

/** The value at a path of plain data. */
export function dataAt(data: unknown, path: DataPath): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}
