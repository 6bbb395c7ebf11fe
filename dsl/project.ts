import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, emptyConfig, loadConfig, type FlowsConfig } from './config.ts';
import { byPosition, hasErrors, type Diagnostic } from './diagnostics.ts';
import type { FlowIR } from './ir.ts';
import { checkAcrossFiles, checkFlowFile, type CheckOptions, type FlowFileResult } from './validate.ts';

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

/** What a check of a repository reads before its flows: the config (with its findings) and the flow files. */
export interface ProjectSetup {
  cwd: string;
  /** The config file read, if there is one. */
  configPath?: string;
  config: FlowsConfig;
  configDiagnostics: Diagnostic[];
  /** A config with an error is read only to check flows against it: nothing compiled from it runs. */
  configBroken: boolean;
  files: string[];
}

/** The config and the flow files, apart from checking them (flows validate spreads the files over threads). */
export function projectSetup(options: ProjectOptions = {}): ProjectSetup {
  const cwd = options.cwd ?? process.cwd();
  const paths = options.paths?.length ? options.paths : [join(cwd, DEFAULT_FLOWS_DIR)];
  return { ...projectConfig(cwd, options.configFile), files: findFlowFiles(paths.map((p) => resolve(cwd, p)).filter(existsSync)) };
}

/** The config a repository's flows are checked against: `configFile`, else flows.config.yaml if there is one. */
export function projectConfig(cwd: string, configFile?: string): Omit<ProjectSetup, 'files'> {
  const configPath = resolve(cwd, configFile ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(configPath)) return { cwd, config: emptyConfig(), configDiagnostics: [], configBroken: false };
  const loaded = loadConfig(configPath);
  return {
    cwd,
    configPath,
    config: { ...loaded.config, file: shownAs(cwd, configPath) },
    configDiagnostics: loaded.diagnostics.map((d) => ({ ...d, file: shownAs(cwd, d.file) })),
    configBroken: hasErrors(loaded.diagnostics),
  };
}

const shownAs = (cwd: string, file: string) => relative(cwd, file) || basename(file);

/** The result of checking a repository, from its setup and each file's result (in the setup's order). */
export function projectResult(setup: ProjectSetup, results: readonly FlowFileResult[]): ProjectResult {
  const shown = results.map((result) => {
    const file = shownAs(setup.cwd, result.file);
    return {
      ...result,
      file,
      diagnostics: result.diagnostics.map((d) => ({ ...d, file })),
      ...(result.ir ? { ir: { ...result.ir, source: file } } : {}),
    };
  });
  const diagnostics = [...setup.configDiagnostics, ...shown.flatMap((r) => r.diagnostics), ...checkAcrossFiles(shown)];
  return {
    config: setup.config,
    diagnostics: diagnostics.sort(byPosition),
    flows: setup.configBroken ? [] : shown.flatMap((r) => (r.ir ? [r.ir] : [])),
    files: shown.map((r) => r.file),
  };
}

/** Validate and compile every flow of a repository (or the given paths) against its config. */
export function checkProject(options: ProjectOptions = {}): ProjectResult {
  const setup = projectSetup(options);
  return projectResult(
    setup,
    setup.files.map((file) => checkFlowFile(file, setup.config, options)),
  );
}
