import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlowIR } from '../dsl/language/ir.ts';
import { writeDurably } from './durable-file.ts';
import { safeFlow } from './flow-folder.ts';

/**
 * The versions of each flow that have had runs, one file per version under `versions/<flow>/`,
 * each with its IR, so an old version can be drawn as it was. Written once, when the version's
 * first run is recorded.
 */
export class VersionFiles {
  private readonly known = new Set<string>();

  constructor(private readonly dir: string) {}

  async record(ir: FlowIR, at: number): Promise<void> {
    const key = `${ir.flow}\t${ir.version}`;
    if (this.known.has(key)) return;
    const file = join(this.dir, safeFlow(ir.flow), `${encodeURIComponent(ir.version)}.json`);
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (!exists) await writeDurably(file, JSON.stringify({ version: ir.version, firstSeen: at, ir }));
    this.known.add(key);
  }

  /** Newest first. */
  async list(flowId: string): Promise<Array<{ version: string; firstSeen: number; ir: FlowIR }>> {
    const folder = join(this.dir, safeFlow(flowId));
    const found: Array<{ version: string; firstSeen: number; ir: FlowIR }> = [];
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      try {
        found.push(JSON.parse(await readFile(join(folder, name), 'utf8')) as { version: string; firstSeen: number; ir: FlowIR });
      } catch {
        // a torn write of a version file (only possible without fsync support): the next start of that version writes it again
      }
    }
    return found.sort((a, b) => b.firstSeen - a.firstSeen);
  }
}
