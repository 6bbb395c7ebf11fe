import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Diagnostic } from '../../dsl/parse/diagnostics.ts';
import type { FormatOptions } from './options.ts';

/** `file:line:col severity message [rule]`, then the offending line with a marker, then the hint. */
export function formatText(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const lines = new Map<string, string[]>();
  const sourceLines = (file: string): string[] => {
    let found = lines.get(file);
    if (!found && options.sources?.has(file)) found = options.sources.get(file)!.split(/\r?\n/);
    if (!found) {
      try {
        found = readFileSync(resolve(options.cwd, file), 'utf8').split(/\r?\n/);
      } catch {
        found = [];
      }
      lines.set(file, found);
    }
    return found;
  };
  const out: string[] = [];
  for (const d of diagnostics) {
    out.push(`${d.file}:${d.line}:${d.column} ${d.severity} ${d.message} [${d.rule}]`);
    const text = sourceLines(d.file)[d.line - 1];
    if (text !== undefined && text.trim() !== '') {
      const shown = d.sensitive || SECRET_LINE.test(text) ? mask(text) : text;
      const gutter = String(d.line).padStart(5);
      const width = d.endLine === d.line ? Math.max(1, d.endColumn - d.column) : Math.max(1, shown.length - d.column + 1);
      out.push(`${gutter} | ${shown}`);
      out.push(`${' '.repeat(5)} | ${' '.repeat(d.column - 1)}${'^'.repeat(Math.min(width, 80))}`);
    }
    if (d.hint) out.push(`      = hint: ${d.hint}`);
  }
  out.push(summary(diagnostics, options.files));
  return `${out.join('\n')}\n`;
}

/** A line that names a credential is never echoed, whatever the finding on it is about. */
const SECRET_LINE = /(secret|passcode|password|token|api_key|authorization)\w*["']?\s*:\s*(?!\$\{)/i;

/** Keeps the key, hides the value: the line holds a credential. */
const mask = (line: string): string => line.replace(/(:\s*).*$/, '$1********');

function summary(diagnostics: readonly Diagnostic[], files: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const checked = `${files} flow file${files === 1 ? '' : 's'} checked`;
  if (errors === 0 && warnings === 0) return `✓ ${checked}, no problems`;
  const parts = [`${errors} error${errors === 1 ? '' : 's'}`, `${warnings} warning${warnings === 1 ? '' : 's'}`];
  return `${errors ? '✘' : '⚠'} ${checked}: ${parts.join(', ')}`;
}
