import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../dsl/language/config.ts';
import type { FlowIR } from '../dsl/language/ir.ts';
import { checkProject, DEFAULT_FLOWS_DIR, findFlowFiles, type ProjectResult } from '../dsl/load/project.ts';
import type { StepLog } from '../store/step-log.ts';

/**
 * The flows of the repository as `flows validate` compiles them, recompiled only when a file
 * changed (the studio reads them on every request; a saved YAML shows on the next one).
 */
export class StudioProject {
  private cached?: { stamp: string; result: ProjectResult };

  constructor(
    readonly cwd: string,
    private readonly configFile?: string,
  ) {}

  current(): ProjectResult {
    const stamp = this.stamp();
    if (this.cached?.stamp !== stamp) {
      this.cached = { stamp, result: checkProject({ cwd: this.cwd, configFile: this.configFile }) };
    }
    return this.cached.result;
  }

  flow(id: string): FlowIR | undefined {
    return this.current().flows.find((f) => f.flow === id);
  }

  private stamp(): string {
    const dir = join(this.cwd, DEFAULT_FLOWS_DIR);
    const files = [resolve(this.cwd, this.configFile ?? DEFAULT_CONFIG_FILE), ...safe(() => findFlowFiles([dir]), [])];
    return files.map((f) => `${f}:${safe(() => statSync(f).mtimeMs, 0)}`).join('|');
  }
}

const safe = <T>(work: () => T, fallback: T): T => {
  try {
    return work();
  } catch {
    return fallback;
  }
};

export interface VersionChoice {
  version: string;
  firstSeen?: number;
  /** The version the YAML in the repository compiles to now. */
  current: boolean;
}

/** The IR of one version: the repository's for the current one, else the one the log remembered when its runs started. */
export async function flowVersion(
  project: StudioProject,
  log: StepLog,
  flowId: string,
  version?: string,
): Promise<{ ir: FlowIR; versions: VersionChoice[] } | undefined> {
  const head = project.flow(flowId);
  const seen = await log.versions(flowId);
  const versions: VersionChoice[] = head ? [{ version: head.version, current: true }] : [];
  for (const v of seen) {
    const known = versions.find((c) => c.version === v.version);
    if (known) known.firstSeen = v.firstSeen;
    else versions.push({ version: v.version, firstSeen: v.firstSeen, current: false });
  }
  const wanted = version ?? head?.version ?? seen[0]?.version;
  const ir = wanted === head?.version ? head : seen.find((v) => v.version === wanted)?.ir;
  return ir ? { ir, versions } : undefined;
}
