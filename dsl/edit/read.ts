import { isMap, isSeq, type Node } from 'yaml';
import type { DataPath } from '../language/data-path.ts';
import { parseText, dashOffset, type Parsed } from './document.ts';
import { visitsOf } from './steps.ts';
import { Refusal, type StepPlace, type StepRef } from './types.ts';

/** A flow file's text as an editor reads it between edits: its data, its steps, and where a step's keys are. */
export interface FlowText {
  data: unknown;
  /** Every step in reading order, with the line its `- ` is on. */
  places: StepPlace[];
  /** The 1-based line of each key of the map at `path` and of the map under its kind (a step's keys and its body's). */
  keyLines(path: DataPath): Map<string, number>;
}

const placesOf = (parsed: Parsed): StepPlace[] =>
  visitsOf(parsed.data).map((v) => {
    const seq = parsed.doc.getIn(v.path.slice(0, -1), true);
    const index = v.path.at(-1) as number;
    const dash = isSeq(seq) ? dashOffset(seq, index) : undefined;
    const node = isSeq(seq) ? (seq.items[index] as Node | undefined) : undefined;
    const offset = dash ?? node?.range?.[0] ?? 0;
    return { path: v.path, position: v.position, id: v.id, kind: v.kind, line: parsed.lines.lineOf(offset) + 1 };
  });

/**
 * Reads a text the way the writer does, sharing its parse: right after an edit, the text it wrote
 * is already parsed, so the editor's steps and key lines cost no second parse. Undefined when the
 * text is not one YAML document the writer could edit (the YAML pane then says why).
 */
export function readFlowText(text: string): FlowText | undefined {
  let parsed: Parsed;
  try {
    parsed = parseText(text.replace(/\r\n/g, '\n'));
  } catch (error) {
    if (error instanceof Refusal) return undefined;
    throw error;
  }
  return {
    data: parsed.data,
    places: placesOf(parsed),
    keyLines(path) {
      const out = new Map<string, number>();
      const lineOfKeys = (node: unknown) => {
        if (!isMap(node)) return;
        for (const pair of node.items) {
          const key = pair.key as (Node & { value?: unknown }) | null;
          if (key?.range && typeof key.value === 'string') out.set(key.value, parsed.lines.lineOf(key.range[0]) + 1);
        }
      };
      const step = parsed.doc.getIn(path, true);
      if (isMap(step)) for (const pair of step.items) lineOfKeys(pair.value);
      lineOfKeys(step);
      return out;
    },
  };
}

/** Every step of a flow file with its place, or undefined when the text is not YAML the writer reads. */
export const stepPlaces = (text: string): StepPlace[] | undefined => readFlowText(text)?.places;

/** The step a ref names (its `id`, else its position name), or undefined. */
export function findStep(text: string, ref: StepRef): StepPlace | undefined {
  const places = readFlowText(text)?.places;
  return places?.find((p) => p.id === ref) ?? places?.find((p) => p.position === ref);
}
