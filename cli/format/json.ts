import type { Diagnostic } from '../../dsl/parse/diagnostics.ts';

/** A JSON array of findings for tools: the fixed fields, plus `hint` when there is one. */
export function formatJson(diagnostics: readonly Diagnostic[]): string {
  const rows = diagnostics.map(({ file, line, column, endLine, endColumn, severity, rule, message, hint }) => ({
    file,
    line,
    column,
    endLine,
    endColumn,
    severity,
    rule,
    message,
    hint: hint || undefined,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}
