import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, emptyConfig, type FlowsConfig } from '../dsl/language/config.ts';
import { loadConfig } from '../dsl/load/config.ts';
import { DEFAULT_FLOWS_DIR, findFlowFiles } from '../dsl/load/project.ts';
import type { Diagnostic } from '../dsl/parse/diagnostics.ts';
import { readYaml } from './yaml-place.ts';

/** A project's flows.config.yaml as the server last read it (from the editor's text when open, else from disk). */
export interface LoadedConfig {
  /** Absolute path, or undefined when no config was found (flows are checked against an empty one, as `flows validate` does). */
  path?: string;
  config: FlowsConfig;
  diagnostics: Diagnostic[];
  text?: string;
  /** The file's modification time when read (-1: read from the editor). */
  mtimeMs?: number;
}

/**
 * The folders the editor opened, and the configs and event names found in them. A flow's config
 * is the nearest flows.config.yaml from the flow's folder up to its workspace folder (where
 * `flows validate` runs, and reads the one beside it); a flow outside every workspace folder looks
 * up to the file system's root.
 */
export class Workspace {
  private readonly configs = new Map<string, LoadedConfig>();
  /** flows.config.yaml files open in the editor: their text, not the disk's, is the config. */
  private readonly openConfigs = new Map<string, string>();
  private readonly events = new Map<string, { mtimeMs: number; names: string[] }>();

  constructor(private readonly roots: readonly string[]) {}

  /** The config file a flow file is checked against, or undefined. */
  configPathFor(file: string): string | undefined {
    const root = this.roots.filter((r) => !relative(r, file).startsWith('..')).sort((a, b) => b.length - a.length)[0];
    for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
      const candidate = join(dir, DEFAULT_CONFIG_FILE);
      if (this.openConfigs.has(candidate) || existsSync(candidate)) return candidate;
      if (dir === root || dirname(dir) === dir) break;
    }
    return undefined;
  }

  /**
   * The config a flow file is checked against, read once until it changes: in the editor, or on
   * disk (its modification time is compared at each check, so a client that watches no files
   * still sees a config changed by git or another editor at the next keystroke).
   */
  configFor(file: string): LoadedConfig {
    const path = this.configPathFor(file);
    if (!path) return { config: emptyConfig(), diagnostics: [] };
    const open = this.openConfigs.get(path);
    const mtimeMs = open === undefined ? (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0) : -1;
    let loaded = this.configs.get(path);
    if (!loaded || loaded.mtimeMs !== mtimeMs) {
      try {
        const text = open ?? readFileSync(path, 'utf8');
        const result = loadConfig(path, text);
        // Named as `flows validate` names it, run from the project's folder: messages say "flows.config.yaml".
        loaded = { path, config: { ...result.config, file: basename(path) }, diagnostics: result.diagnostics, text, mtimeMs };
      } catch {
        loaded = { path, config: emptyConfig(), diagnostics: [], mtimeMs };
      }
      this.configs.set(path, loaded);
    }
    return loaded;
  }

  /** A config file opened, edited, saved, closed or changed on disk: read it again on next use. */
  configChanged(path: string, openText?: string): void {
    if (openText === undefined) this.openConfigs.delete(path);
    else this.openConfigs.set(path, openText);
    this.configs.delete(path);
  }

  /** Event names the project's flows use (any `event:` value), from the files under flows/ beside the config and the given open texts. */
  eventNames(file: string, openTexts: readonly string[]): string[] {
    const config = this.configPathFor(file);
    const folder = join(config ? dirname(config) : dirname(file), DEFAULT_FLOWS_DIR);
    const names = new Set<string>();
    const files = existsSync(folder) ? findFlowFiles([folder]) : [];
    for (const flow of files) {
      try {
        const mtimeMs = statSync(flow).mtimeMs;
        let seen = this.events.get(flow);
        if (seen?.mtimeMs !== mtimeMs) this.events.set(flow, (seen = { mtimeMs, names: eventsIn(readFileSync(flow, 'utf8')) }));
        for (const name of seen.names) names.add(name);
      } catch {
        // A file that went, or cannot be read: it names no event.
      }
    }
    for (const text of openTexts) for (const name of eventsIn(text)) names.add(name);
    return [...names].sort();
  }
}

/** Every string value of an `event` key in a YAML text. */
function eventsIn(text: string): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'event' && typeof inner === 'string') found.push(inner);
        else visit(inner);
      }
    }
  };
  try {
    visit(readYaml(text).toJS());
  } catch {
    // Not YAML enough to read: no events.
  }
  return found;
}
