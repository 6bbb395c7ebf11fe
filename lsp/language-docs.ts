import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * docs/flow-language.md, where the step kinds and step options are explained (the schema's
 * `description`s say less about them). Found one folder up (lsp/, the sources) or two (dist/lsp/).
 */
function docsFile(): URL {
  const near = new URL('../docs/flow-language.md', import.meta.url);
  return existsSync(near) ? near : new URL('../../docs/flow-language.md', import.meta.url);
}

/** The language reference's address, for a hover's pointer to it (`#steps`: an anchor). */
export const languageDocsUri = (anchor = ''): string => `${docsFile().href}${anchor ? `#${anchor}` : ''}`;

/** The rows of the Steps section's tables, by the key each row names (`add_to_list` / `remove_from_list`: both). */
let rows: Map<string, string> | undefined;

function stepRows(): Map<string, string> {
  if (rows) return rows;
  rows = new Map();
  let text = '';
  try {
    text = readFileSync(fileURLToPath(docsFile()), 'utf8');
  } catch {
    return rows;
  }
  const section = /^## Steps$([\s\S]*?)^## /m.exec(text)?.[1] ?? '';
  for (const line of section.split('\n')) {
    const cells = /^\|(.*)\|$/.exec(line)?.[1]?.split(' | ');
    if (!cells || cells.length < 2) continue;
    const names = [...cells[0]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
    const said = cells.length === 3 ? `keys: ${cells[1]!.trim()}. ${cells[2]!.trim()}` : cells[1]!.trim();
    for (const name of names) rows.set(name, said);
  }
  return rows;
}

/** What the language reference says of a step kind or step option, or undefined. */
export const stepDoc = (key: string): string | undefined => stepRows().get(key);
