import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { hasErrors, type Diagnostic } from '../dsl/parse/diagnostics.ts';
import type { FlowIR } from '../dsl/language/ir.ts';
import { checkProject, DEFAULT_FLOWS_DIR } from '../dsl/load/project.ts';

export interface FlowRegistry {
  current(): readonly FlowIR[];
  close(): void;
}

/**
 * The flows ingest routes to: loaded from the flows folder at start and reloaded when a file
 * changes. An edit that does not validate is reported and the previous flows stay in force.
 * Running runs never change: they carry the IR they started with.
 */
export function watchFlows(options: {
  cwd: string;
  configFile?: string;
  onReload?: (flows: readonly FlowIR[]) => void;
  onInvalid?: (diagnostics: Diagnostic[]) => void;
}): FlowRegistry {
  const load = () => checkProject({ cwd: options.cwd, configFile: options.configFile });
  let flows = load().flows;
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const result = load();
      if (hasErrors(result.diagnostics)) return options.onInvalid?.(result.diagnostics);
      flows = result.flows;
      options.onReload?.(flows);
    }, 200);
  };
  const dir = join(options.cwd, DEFAULT_FLOWS_DIR);
  const watchers: FSWatcher[] = [];
  if (existsSync(dir)) watchers.push(watch(dir, { recursive: true }, reload));
  return {
    current: () => flows,
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
