import type { RuleId } from './rule-catalog.ts';

/** One finding of `flows validate`, pointing at a place in a file. Lines and columns are 1-based. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning';
  rule: RuleId;
  message: string;
  /** How to fix it, when there is something better to say than the message. */
  hint?: string;
  /** The line holds a secret: show it masked, never verbatim. */
  sensitive?: boolean;
}

export interface Position {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface FindingOptions {
  hint?: string | undefined;
  severity?: 'error' | 'warning';
  sensitive?: boolean | undefined;
}

/** A finding at a place in a file: the one way a Diagnostic is made (an error unless said otherwise). */
export function finding(file: string, at: Position, rule: RuleId, message: string, options: FindingOptions = {}): Diagnostic {
  const { hint, severity = 'error', sensitive } = options;
  const { line, column, endLine, endColumn } = at;
  return {
    file,
    line,
    column,
    endLine,
    endColumn,
    severity,
    rule,
    message,
    ...(hint ? { hint } : {}),
    ...(sensitive ? { sensitive } : {}),
  };
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule);
}
