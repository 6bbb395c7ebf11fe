import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import { schemaAt } from './schema-docs.ts';
import { languageDocsUri, stepDoc } from './language-docs.ts';
import type { DataPath } from '../dsl/language/data-path.ts';
import { placeAt, readYaml } from './yaml-place.ts';

/** The section of docs/flow-language.md a key belongs to (GitHub's heading anchors). */
function section(path: DataPath): string {
  const top = path[0];
  if (top === 'steps') return 'steps';
  if (top === 'trigger') return 'triggers';
  if (top === 'entry') return 'entry-rules';
  if (top === 'goals') return 'goals';
  if (top === 'status' || top === 'active') return 'lifecycle-status-and-active-window';
  return 'top-level';
}

/**
 * A key's documentation: the `description` schema/flow.schema.json gives it, or else what
 * docs/flow-language.md's step tables say of it (step kinds and options), and a link to the reference.
 */
export function hoverAt(text: string, offset: number): Hover | null {
  const place = placeAt(readYaml(text), offset);
  if (!place || place.role !== 'key') return null;
  const key = String(place.path.at(-1));
  const fromSchema = schemaAt(place.path).description;
  const fromDocs = stepDoc(key);
  const inSteps = place.path[0] === 'steps';
  const said = [fromSchema, inSteps && fromDocs !== fromSchema ? fromDocs : undefined].filter((s): s is string => s !== undefined);
  if (said.length === 0) return null;
  const link = `[docs/flow-language.md](${languageDocsUri(section(place.path))})`;
  return {
    contents: { kind: MarkupKind.Markdown, value: [`**${key}**`, ...said, link].join('\n\n') },
    range: { start: offsetPosition(text, place.start), end: offsetPosition(text, place.end) },
  };
}

/** A 0-based line and character for an offset. */
function offsetPosition(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}
