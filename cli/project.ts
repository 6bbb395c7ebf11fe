import { resolve } from 'node:path';
import type { FlowIR } from '../dsl/language/ir.ts';
import { checkProject, type ProjectResult } from '../dsl/load/project.ts';
import { hasErrors } from '../dsl/parse/diagnostics.ts';
import type { Profile } from '../store/store.ts';
import { formatText } from './format/text.ts';
import { UsageError, type CliIo } from './io.ts';

/** Default folder for the embedded profile store, recorded calls and the dev server's SQLite file. */
export const dataDir = (io: CliIo, given?: string): string => resolve(io.cwd, given ?? process.env.FLOWLINE_DATA_DIR ?? '.data');

/** Loads config and flows as `flows validate` does; prints the problems and returns undefined on an error. */
export function loadProject(io: CliIo, options: { paths?: string[]; config?: string }): ProjectResult | undefined {
  const result = checkProject({
    cwd: io.cwd,
    paths: options.paths,
    configFile: options.config,
  });
  if (hasErrors(result.diagnostics)) {
    io.err(formatText(result.diagnostics, { files: result.files.length, cwd: io.cwd }));
    return undefined;
  }
  return result;
}

function findFlow(result: ProjectResult, file: string, io: CliIo): FlowIR | undefined {
  const wanted = resolve(io.cwd, file);
  return result.flows.find((f) => resolve(io.cwd, f.source) === wanted);
}

/** Parses `--event` JSON: `{"name": "sign_up", "attributes": {...}}`, or just an event name. */
function parseEventArg(text: string | undefined, fallbackName: string): { name: string; [key: string]: unknown } {
  if (text === undefined) return { name: fallbackName };
  if (!text.trim().startsWith('{')) return { name: text.trim() };
  const parsed = JSON.parse(text) as { name?: unknown };
  if (typeof parsed.name !== 'string') throw new Error('--event needs a "name", e.g. {"name":"sign_up","attributes":{"plan":"pro"}}');
  return parsed as { name: string };
}

export interface ProfileSeed {
  attributes?: Record<string, unknown>;
  identities?: Record<string, string>;
  lists?: string[];
  audiences?: string[];
}

/** Parses `--profile` JSON: `{"attributes": {...}, "identities": {"email": ...}, "lists": [...]}`. */
function parseProfileArg(text: string): ProfileSeed {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`--profile is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('--profile takes a JSON object, e.g. {"identities":{"email":"ada@example.com"}}');
  const unknown = Object.keys(parsed).filter((k) => !['attributes', 'identities', 'lists', 'audiences'].includes(k));
  if (unknown.length) throw new Error(`--profile has ${unknown.join(', ')}; it takes attributes, identities, lists, audiences`);
  return parsed;
}

export function mergeProfile(profile: Profile, seed: ProfileSeed): void {
  Object.assign(profile.attributes, seed.attributes);
  Object.assign(profile.identities, seed.identities);
  if (seed.lists) profile.lists = [...new Set([...profile.lists, ...seed.lists])];
  if (seed.audiences) profile.audiences = [...new Set([...profile.audiences, ...seed.audiences])];
}

/** What `flows run` and `flows simulate` start a run of: the flow file named, the event and the profile seed. */
export interface HandRun {
  project: ProjectResult;
  flow: FlowIR;
  /** `--event`, or an event named `defaultEvent(flow)` when it is absent. */
  event: { name: string; [key: string]: unknown };
  /** `--profile`, or nothing. */
  seed: ProfileSeed;
}

/**
 * Loads the project for one flow file and reads `--event` and `--profile` for it: a mistake in
 * either is a usage error. Undefined when the project has findings (they are printed).
 */
export function loadHandRun(
  io: CliIo,
  file: string,
  values: { config?: string; event?: string; profile?: string },
  defaultEvent: (flow: FlowIR) => string,
): HandRun | undefined {
  const project = loadProject(io, { paths: [file], config: values.config });
  if (!project) return undefined;
  const flow = findFlow(project, file, io)!;
  try {
    const event = parseEventArg(values.event, defaultEvent(flow));
    return { project, flow, event, seed: values.profile ? parseProfileArg(values.profile) : {} };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
