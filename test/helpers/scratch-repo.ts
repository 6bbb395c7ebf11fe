import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch repository: `flows.config.yaml` with the given text and the given flow files under flows/. */
export function scratchRepo(config: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowline-repo-'));
  writeFileSync(join(dir, 'flows.config.yaml'), config);
  mkdirSync(join(dir, 'flows'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'flows', name), text);
  return dir;
}
