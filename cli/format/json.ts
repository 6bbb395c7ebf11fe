import { toolFinding, type Diagnostic } from '../../dsl/parse/diagnostics.ts';

/** A JSON array of findings for tools: the fixed fields, plus `hint` when there is one. */
export function formatJson(diagnostics: readonly Diagnostic[]): string {
  return `${JSON.stringify(diagnostics.map(toolFinding), null, 2)}\n`;
}
