import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, emptyConfig, type FlowsConfig } from '../language/config.ts';
import { loadConfig } from './config.ts';
import { byPosition, hasErrors, type Diagnostic } from '../parse/diagnostics.ts';
import type { FlowIR } from '../language/ir.ts';
import { checkAcrossFiles, type CheckOptions } from '../validate/validate.ts';
import { checkFlowFile } from './flow-file.ts';

export const DEFAULT_FLOWS_DIR = 'flows';

const isFlowFile = (name: string): boolean => /\.ya?ml$/.test(name) && name !== DEFAULT_CONFIG_FILE;

/** Flow files under the given paths: files as given, folders searched recursively, sorted. */
export function findFlowFiles(paths: readonly string[]): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const child = join(dir, entry.name);
      if (entry.isDirectory() || (entry.isSymbolicLink() && statSync(child).isDirectory())) visit(child);
      else if (isFlowFile(entry.name)) found.push(child);
    }
  };
  for (const path of paths) {
    if (statSync(path).isDirectory()) visit(path);
    else found.push(path);
  }
  return [...new Set(found)];
}

export interface ProjectResult {
  config: FlowsConfig;
  diagnostics: Diagnostic[];
  /** The compiled flows: those whose file has no error, and none when the config has one (or with `compile: false`). */
  flows: FlowIR[];
  files: string[];
}

export interface ProjectOptions extends CheckOptions {
  paths?: readonly string[];
  /** Config file; when absent, flows.config.yaml in `cwd` if there is one. */
  configFile?: string;
  cwd?: string;
}

/** Validate and compile every flow of a repository (or the given paths) against its config. */
export function checkProject(options: ProjectOptions = {}): ProjectResult {
  const cwd = options.cwd ?? process.cwd();
  const show = (file: string) => relative(cwd, file) || basename(file);
  const configPath = resolve(cwd, options.configFile ?? DEFAULT_CONFIG_FILE);
  const diagnostics: Diagnostic[] = [];
  let config = emptyConfig();
  let configBroken = false;
  if (existsSync(configPath)) {
    const loaded = loadConfig(configPath);
    config = { ...loaded.config, file: show(configPath) };
    diagnostics.push(...loaded.diagnostics.map((d) => ({ ...d, file: show(d.file) })));
    // A config with an error is read only to check flows against it: nothing compiled from it runs.
    configBroken = hasErrors(loaded.diagnostics);
  }
  const paths = options.paths?.length ? options.paths : [join(cwd, DEFAULT_FLOWS_DIR)];
  const files = findFlowFiles(paths.map((p) => resolve(cwd, p)).filter(existsSync));
  const results = files.map((file) => {
    const result = checkFlowFile(file, config, options);
    const shown = show(file);
    return {
      ...result,
      file: shown,
      diagnostics: result.diagnostics.map((d) => ({ ...d, file: shown })),
      ...(result.ir ? { ir: { ...result.ir, source: shown } } : {}),
    };
  });
  for (const result of results) diagnostics.push(...result.diagnostics);
  diagnostics.push(...checkAcrossFiles(results));
  return {
    config,
    diagnostics: diagnostics.sort(byPosition),
    flows: configBroken ? [] : results.flatMap((r) => (r.ir ? [r.ir] : [])),
    files: results.map((r) => r.file),
  };
}
