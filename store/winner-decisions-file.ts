import { readFile } from 'node:fs/promises';
import type { WinnerDecision } from './step-log.ts';

/** A flow's winners, one per split; none when the file does not exist yet. */
export async function readDecisions(file: string): Promise<WinnerDecision[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  // Written by rename, so never torn: only an edit by hand gets here.
  if (!Array.isArray(parsed))
    throw new Error(`step log: ${file} is not a JSON list of winners; fix it, or delete it to let the splits' winners be decided again`);
  return parsed as WinnerDecision[];
}
