import type { Diagnostic } from '../../dsl/parse/diagnostics.ts';

/**
 * Fixtures mark the line a finding must point at with a trailing YAML comment: `#! rule-id`
 * (several ids separated by spaces). Returns "line rule" strings, sorted, for exact comparison.
 */
export function markedFindings(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const marker = /#!\s*(.+)$/.exec(line);
    if (marker) for (const rule of marker[1]!.trim().split(/\s+/)) found.push(`${i + 1} ${rule}`);
  });
  return found.sort();
}

export const reportedFindings = (diagnostics: readonly Diagnostic[]): string[] => diagnostics.map((d) => `${d.line} ${d.rule}`).sort();
