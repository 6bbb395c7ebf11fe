import { execFileSync } from 'node:child_process';
import { basename, dirname } from 'node:path';

/** The file as it is at a git ref (`git show REF:./file`, run beside the file so any checkout works). */
export function fileAtRef(file: string, ref: string): string {
  try {
    return execFileSync('git', ['show', `${ref}:./${basename(file)}`], {
      cwd: dirname(file),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '')
      .trim()
      .split('\n')[0];
    throw new Error(`cannot read ${basename(file)} at ${ref}: ${stderr || (error as Error).message}`);
  }
}
