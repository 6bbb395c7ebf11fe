/** One finding of `flows validate`, pointing at a place in a file. Lines and columns are 1-based. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning';
  /** A rule id of RULE_CATALOG (dsl/validate/rule-catalog.ts): each pass may report only the ids it declares or uses. */
  rule: string;
  message: string;
  /** How to fix it, when there is something better to say than the message. */
  hint?: string;
  /** The line holds a secret: show it masked, never verbatim. */
  sensitive?: boolean;
}

/** A finding as tools receive it (`flows validate --format json`, the studio's draft check): the fixed fields, and `hint` when there is one. */
export type ToolFinding = Pick<Diagnostic, 'file' | 'line' | 'column' | 'endLine' | 'endColumn' | 'severity' | 'rule' | 'message'> & {
  hint?: string;
};

export const toolFinding = ({ file, line, column, endLine, endColumn, severity, rule, message, hint }: Diagnostic): ToolFinding => ({
  file,
  line,
  column,
  endLine,
  endColumn,
  severity,
  rule,
  message,
  ...(hint ? { hint } : {}),
});

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
export function finding(file: string, at: Position, rule: string, message: string, options: FindingOptions = {}): Diagnostic {
  const { hint, severity = 'error', sensitive } = options;
  const { line, column, endLine, endColumn } = at;
  const made: Diagnostic = { file, line, column, endLine, endColumn, severity, rule, message };
  // Absent rather than undefined or false: findings are compared and printed as they are.
  if (hint) made.hint = hint;
  if (sensitive) made.sensitive = true;
  return made;
}

/**
 * What a pass of `flows validate` declares where it reports: the ids it reports, each with what it
 * guards (docs/validate-rules.md), and the ids another pass declares that it reports too. RULE_CATALOG
 * (dsl/validate/rule-catalog.ts) is made of these.
 */
export interface Declared<Id extends string = string> {
  ids: Readonly<Record<Id, string>>;
  uses: readonly string[];
}

/** A pass that makes its findings itself: its declaration, and `finding` taking only the ids it declares or uses. */
export interface FindingPass<Id extends string, Reported extends string> extends Declared<Id> {
  finding(file: string, at: Position, rule: Reported, message: string, options?: FindingOptions): Diagnostic;
}

/** Declares a pass's ids beside its checks; its `finding` is typed with them. */
export function declareFindings<const Ids extends Record<string, string>, const Uses extends string = never>(declared: {
  ids: Ids;
  uses?: readonly Uses[];
}): FindingPass<keyof Ids & string, (keyof Ids & string) | Uses> {
  return {
    ids: declared.ids,
    uses: declared.uses ?? [],
    finding: (file, at, rule, message, options) => finding(file, at, rule, message, options),
  };
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule);
}
