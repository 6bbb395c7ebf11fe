import type { Diagnostic } from '../parse/diagnostics.ts';
import { schemaFindings, type SchemaName } from './schema-check.ts';
import { locate, type SourceFile } from '../parse/source.ts';
import type { DataPath } from '../language/data-path.ts';

/** The schema pass, with the file's typos read as what they surely mean so the rest can be checked too. */
export interface AsMeant {
  /** Every schema finding, each placed in the file, the typos' own among them. */
  diagnostics: Diagnostic[];
  /** The data with each sure typo renamed (`send_emial` → `send_email`): what the rules read. */
  data: unknown;
  /** A path into `data` as a path into the file's data. */
  toFile(path: DataPath): DataPath;
  /** Paths (into the file's data) of the values the schema refused: rules say nothing at or under them. */
  refused: DataPath[];
}

const ROUNDS = 6;

/**
 * A misspelt key hides what it holds from the schema, and from the rules. When its "did you mean"
 * has one clear answer, the key is read as that answer in a copy of the data and the schema runs
 * again, so one `flows validate` reports the typo and what is wrong inside it. Typos inside typos
 * need another round; a few rounds cover any file a person writes.
 */
export function readAsMeant(name: SchemaName, source: SourceFile): AsMeant {
  const renamed = new Map<string, string>(); // JSON of [...parent, new key] in the copy → key in the file
  const toFile = (path: DataPath): DataPath => {
    const out: (string | number)[] = [];
    path.forEach((segment, i) => out.push(renamed.get(JSON.stringify([...path.slice(0, i), segment])) ?? segment));
    return out;
  };
  const place = { file: source.file, locate: (path: DataPath, target?: 'value' | 'key') => locate(source, toFile(path), target) };
  // The schema pass reads without writing: the file's data is copied only when a typo is renamed.
  let data = source.data;
  let copied = false;
  const diagnostics: Diagnostic[] = [];
  let findings = schemaFindings(name, data, place);
  for (let round = 1; round < ROUNDS; round++) {
    if (!copied && findings.some((f) => f.meant)) [data, copied] = [structuredClone(data), true];
    const typos = findings.filter((f) => f.meant && rename(data, f.meant, renamed));
    if (typos.length === 0) break;
    diagnostics.push(...typos.map((f) => f.diagnostic));
    findings = schemaFindings(name, data, place);
  }
  diagnostics.push(...findings.map((f) => f.diagnostic));
  return { diagnostics: unique(diagnostics), data, toFile, refused: findings.map((f) => toFile(f.path)) };
}

/** Renames the key in place, keeping key order; false when the map is gone or already has the key. */
function rename(data: unknown, meant: { parent: DataPath; key: string; to: string }, renamed: Map<string, string>): boolean {
  let parent: unknown = data;
  for (const segment of meant.parent) {
    parent = isRecord(parent) || Array.isArray(parent) ? (parent as Record<string | number, unknown>)[segment] : undefined;
  }
  if (!isRecord(parent) || !Object.hasOwn(parent, meant.key) || Object.hasOwn(parent, meant.to)) return false;
  const entries = Object.entries(parent).map(([k, v]) => [k === meant.key ? meant.to : k, v] as const);
  for (const key of Object.keys(parent)) delete parent[key];
  for (const [k, v] of entries) Object.defineProperty(parent, k, { value: v, enumerable: true, writable: true, configurable: true });
  renamed.set(JSON.stringify([...meant.parent, meant.to]), meant.key);
  return true;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function unique(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.column}:${d.rule}:${d.message}`;
    return !seen.has(key) && (seen.add(key), true);
  });
}
