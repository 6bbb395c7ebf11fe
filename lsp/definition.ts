import { pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver/node';
import { locate, parseSource } from '../dsl/parse/source.ts';
import { SCHEMA_DEFS, schemaAt } from './schema-docs.ts';
import type { LoadedConfig } from './workspace.ts';
import { placeAt, readYaml } from './yaml-place.ts';

/** From a step's `destination: NAME` to NAME's entry under `destinations:` in flows.config.yaml. */
export function definitionAt(text: string, offset: number, config: LoadedConfig): Location | null {
  const place = placeAt(readYaml(text), offset);
  if (!place || place.role !== 'value' || !config.path || config.text === undefined) return null;
  if (!schemaAt(place.path).schemas.includes(SCHEMA_DEFS.destinationName())) return null;
  const name = place.text;
  if (!config.config.destinations.has(name)) return null;
  const source = parseSource(config.path, config.text).source;
  if (!source) return null;
  const at = locate(source, ['destinations', name], 'key');
  return {
    uri: pathToFileURL(config.path).href,
    range: { start: { line: at.line - 1, character: at.column - 1 }, end: { line: at.endLine - 1, character: at.endColumn - 1 } },
  };
}
