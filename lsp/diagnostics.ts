import { basename } from 'node:path';
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import { DEFAULT_CONFIG_FILE } from '../dsl/language/config.ts';
import type { Diagnostic } from '../dsl/parse/diagnostics.ts';

/**
 * A flow file: YAML under a `flows/` folder, or any YAML with a top-level `flow:` key (never the
 * config). Other YAML an editor opens (CI files, Kubernetes manifests) gets no finding from us.
 */
export function isFlowFile(path: string, text: string): boolean {
  if (!/\.ya?ml$/i.test(path) || basename(path) === DEFAULT_CONFIG_FILE) return false;
  return /(^|[\\/])flows[\\/]/.test(path) || /^flow\s*:/m.test(text);
}

export const isConfigFile = (path: string): boolean => basename(path) === DEFAULT_CONFIG_FILE;

/**
 * A finding of `flows validate` as the editor shows it: the same place (0-based here, 1-based
 * there), the same message with its hint on a line of its own (as `flows validate` prints it,
 * `= hint:`), the rule as the code, `flows` as the source; the hint also alone in `data.hint`.
 */
export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  return {
    range: {
      start: { line: d.line - 1, character: d.column - 1 },
      end: { line: d.endLine - 1, character: d.endColumn - 1 },
    },
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: 'flows',
    code: d.rule,
    message: d.hint ? `${d.message}\n= hint: ${d.hint}` : d.message,
    ...(d.hint ? { data: { hint: d.hint } } : {}),
  };
}
