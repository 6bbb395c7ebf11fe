import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { stepPlaces, type StepPlace } from '../../../dsl/edit/index.ts';
import { loadConfig } from '../../../dsl/load/config.ts';
import { checkFlow } from '../../../dsl/validate/validate.ts';

const CORPUS = join(import.meta.dirname, 'corpus');

/** Every corpus file's name and bytes (the CRLF ones stay CRLF: the folder's .gitattributes says -text). */
export const corpus: ReadonlyArray<{ name: string; text: string }> = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(CORPUS, name), 'utf8') }));

const config = loadConfig(join(import.meta.dirname, '../../../flows.config.yaml')).config;

/** The errors `flows validate` finds in a flow text, with the repository's config. */
export const errorsOf = (text: string): string[] =>
  checkFlow('edited.yaml', text, config, { compile: false })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.line}: ${d.message} [${d.rule}]`);

/** A step as the tests recognise it across edits: its id, or its kind and scalar values (not its branches). */
function identity(step: unknown): string {
  if (typeof step !== 'object' || step === null) return String(step);
  const record = step as Record<string, unknown>;
  if (typeof record.id === 'string') return `id:${record.id}`;
  const shallow = (v: unknown): unknown =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).filter(([, x]) => x === null || typeof x !== 'object'))
      : Array.isArray(v)
        ? '[…]'
        : v;
  return JSON.stringify(Object.entries(record).map(([k, v]) => [k, shallow(v)]));
}

export interface Comment {
  text: string;
  /** 0-based line. */
  line: number;
  /** The step it belongs to (above it with no blank line, or inside it), by identity; absent between steps. */
  owner?: string;
  /** The owner's path, to tell which comments a removed step takes with it. */
  ownerPath?: readonly (string | number)[];
}

/**
 * Every comment of the corpus (`# cN: …`, or any `# ` after a space) and the step it sits with:
 * the step whose `- ` follows it through comment lines only (not indented past the dash), or else
 * the last step started above it that it is indented past (or shares a line with).
 */
export function commentsOf(text: string): Comment[] {
  const lf = text.replace(/\r\n/g, '\n');
  const lines = lf.split('\n');
  const data = parse(lf) as unknown;
  // Steps written inside `[ ]` own no line of their own.
  const places = (stepPlaces(lf) ?? []).filter((p) => lines[p.line - 1]!.trimStart().startsWith('-'));
  const dashColumn = (p: StepPlace) => lines[p.line - 1]!.indexOf('-');
  const indent = (i: number) => lines[i]!.length - lines[i]!.trimStart().length;
  const isCommentLine = (i: number) => lines[i]!.trimStart().startsWith('#');
  const stepAt = (p: StepPlace) => p.path.reduce<unknown>((at, k) => (at as Record<string | number, unknown>)[k], data);
  const out: Comment[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /(?:^|\s)(# c\d+:.*)$/.exec(lines[i]!) ?? (isCommentLine(i) ? [lines[i]!, lines[i]!.trim()] : null);
    if (!match) continue;
    let owner: StepPlace | undefined;
    if (isCommentLine(i)) {
      let j = i;
      while (j < lines.length && isCommentLine(j)) j++;
      const below = places.find((p) => p.line - 1 === j);
      if (below && lines.slice(i, j).every((_, k) => indent(i + k) <= dashColumn(below))) owner = below;
    }
    owner ??= places.filter((p) => p.line - 1 <= i && (p.line - 1 === i || indent(i) > dashColumn(p))).at(-1);
    out.push({ text: match[1]!, line: i, ...(owner ? { owner: identity(stepAt(owner)), ownerPath: owner.path } : {}) });
  }
  return out;
}

/** How many times each comment text occurs. */
export const commentCounts = (text: string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const c of commentsOf(text)) counts.set(c.text, (counts.get(c.text) ?? 0) + 1);
  return counts;
};
