import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import { canPerform, LIMITS } from '../dsl/language/capabilities.ts';
import type { FlowsConfig } from '../dsl/language/config.ts';
import { DESTINATION_STEPS } from '../dsl/language/step-kinds.ts';
import { SCHEMA_DEFS, schemaAt } from './schema-docs.ts';
import type { Place } from './yaml-place.ts';
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
 * docs/flow-language.md's step tables say of it (step kinds and options), and a link to the
 * reference. On a destination's name: its type in the config, and the steps that type can do.
 */
export function hoverAt(text: string, offset: number, config?: FlowsConfig): Hover | null {
  const place = placeAt(readYaml(text), offset);
  if (place?.role === 'value' && config) return destinationHover(text, place, config);
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

function destinationHover(text: string, place: Place, config: FlowsConfig): Hover | null {
  if (!schemaAt(place.path).schemas.includes(SCHEMA_DEFS.destinationName())) return null;
  const destination = config.destinations.get(place.text);
  if (!destination) return null;
  const can = DESTINATION_STEPS.filter((step) => canPerform(destination.type, step)).map((step) => `\`${step}\``);
  const limits = LIMITS[destination.type];
  const said = [
    `**${destination.name}**: a \`${destination.type}\` destination of ${config.file ?? 'flows.config.yaml'}`,
    `It can do: ${can.join(', ')}.${limits ? ` ${limits}.` : ''}`,
  ];
  return {
    contents: { kind: MarkupKind.Markdown, value: said.join('\n\n') },
    range: { start: offsetPosition(text, place.start), end: offsetPosition(text, place.end) },
  };
}

/** A 0-based line and character for an offset. */
function offsetPosition(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}
