import { CompletionItemKind, MarkupKind, type CompletionItem } from 'vscode-languageserver/node';
import { canPerform } from '../dsl/language/capabilities.ts';
import type { FlowsConfig } from '../dsl/language/config.ts';
import type { DataPath } from '../dsl/language/data-path.ts';
import { isDestinationStep, STEP_KINDS } from '../dsl/language/step-kinds.ts';
import { isRecord } from '../dsl/parse/walk.ts';
import { schemaAt, SCHEMA_DEFS, type SchemaAt } from './schema-docs.ts';
import { stepDoc } from './language-docs.ts';
import { placeAt, readYaml, type Place } from './yaml-place.ts';

/** What completion offers names from, besides the file itself. */
interface CompletionSources {
  config: FlowsConfig;
  /** Event names used across the project; given the text being completed (with the cursor marked). */
  eventNames(text: string): string[];
}

/** Typed where the cursor is before the file is read, so an empty value (`destination: `) still has a place. */
const MARK = 'zzflowscursorzz';

/** Offered after a duration key, in this order. */
const DURATIONS = ['30m', '1h', '2h', '6h', '12h', '1d', '2d', '3d', '7d', '14d', '30d'];

/**
 * What may be written at the cursor: destinations able to do the step (after `destination:`),
 * event names the project uses (after `event:`), durations (after `wait:`, `timeout:`, `within:`,
 * `within_last:` …: any value the schema types as a duration), the split's branch labels (after
 * `pick_winner`'s `winner:`), step kinds (a new list item of a step list), the keys a map may hold,
 * and a value's enum words.
 */
export function completionsAt(text: string, offset: number, sources: CompletionSources): CompletionItem[] {
  // A cursor on an empty line of a map is a key being written: `MARK:` reads as one, a bare MARK does not.
  for (const suffix of ['', ':']) {
    const marked = `${text.slice(0, offset)}${MARK}${suffix}${text.slice(offset)}`;
    const doc = readYaml(marked);
    const place = placeAt(doc, offset);
    if (!place?.text.includes(MARK)) continue;
    const at = schemaAt(place.path);
    if (place.role === 'key') return keys(place.path.slice(0, -1));
    return values(place, at, doc.toJS() as unknown, marked, sources);
  }
  return [];
}

function values(place: Place, at: SchemaAt, data: unknown, marked: string, sources: CompletionSources): CompletionItem[] {
  const has = (def: keyof typeof SCHEMA_DEFS) => at.schemas.includes(SCHEMA_DEFS[def]());
  if (has('destinationName')) return destinations(place.path, sources.config);
  if (has('duration')) return DURATIONS.map((d, i) => ({ label: d, kind: CompletionItemKind.Unit, sortText: String(i).padStart(2, '0') }));
  if (has('eventName'))
    return sources
      .eventNames(marked)
      .filter((name) => !name.includes(MARK))
      .map((name) => ({ label: name, kind: CompletionItemKind.Event }));
  if (place.path.at(-1) === 'winner' && place.path.at(-2) === 'pick_winner') return branchLabels(valueAt(data, place.path.slice(0, -2)));
  if (has('step')) return stepKinds();
  const words = at.schemas.flatMap((s) => [...(Array.isArray(s.enum) ? s.enum : []), ...('const' in s ? [s.const] : [])]);
  return [...new Set(words.filter((w): w is string => typeof w === 'string'))].map((w) => ({
    label: w,
    kind: CompletionItemKind.EnumMember,
  }));
}

/** The destinations of the config whose type can do the step the `destination:` belongs to. */
function destinations(path: DataPath, config: FlowsConfig): CompletionItem[] {
  const kind = path.at(-2);
  return [...config.destinations.values()]
    .filter((d) => typeof kind !== 'string' || !isDestinationStep(kind) || canPerform(d.type, kind))
    .map((d) => ({
      label: d.name,
      kind: CompletionItemKind.Reference,
      detail: `${d.type} destination (${config.file ?? 'flows.config.yaml'})`,
    }));
}

/** The labels pick_winner may name: the split's branches but its control, each by its label or its percent. */
function branchLabels(split: unknown): CompletionItem[] {
  const branches = isRecord(split) && Array.isArray(split.branches) ? split.branches : [];
  return branches
    .filter((b): b is Record<string, unknown> => isRecord(b) && b.control !== true)
    .map((b) => (typeof b.label === 'string' ? b.label : `${typeof b.percent === 'number' ? b.percent : '?'}%`))
    .map((label) => ({ label, kind: CompletionItemKind.EnumMember, detail: 'a branch of this split' }));
}

function stepKinds(): CompletionItem[] {
  return STEP_KINDS.map((kind) => ({
    label: kind,
    kind: CompletionItemKind.Keyword,
    insertText: kind === 'exit' ? 'exit' : `${kind}: `,
    ...documented(stepDoc(kind)),
  }));
}

/** The keys the map at `path` may hold, each with its description. */
function keys(path: DataPath): CompletionItem[] {
  const names = new Map<string, string | undefined>();
  for (const schema of schemaAt(path).schemas) {
    if (!isRecord(schema.properties)) continue;
    for (const name of Object.keys(schema.properties)) {
      if (!names.has(name) || names.get(name) === undefined) names.set(name, schemaAt([...path, name]).description ?? stepDoc(name));
    }
  }
  return [...names].map(([name, doc]) => ({ label: name, kind: CompletionItemKind.Property, insertText: `${name}: `, ...documented(doc) }));
}

const documented = (doc: string | undefined) => (doc ? { documentation: { kind: MarkupKind.Markdown, value: doc } } : {});

function valueAt(data: unknown, path: DataPath): unknown {
  let node = data;
  for (const segment of path)
    node = isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[segment] : undefined;
  return node;
}
