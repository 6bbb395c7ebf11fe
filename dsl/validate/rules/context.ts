import type { FlowsConfig } from '../../language/config.ts';
import type { Declared, Position } from '../../parse/diagnostics.ts';
import type { DataPath } from '../../language/data-path.ts';
import type { SourceFile } from '../../parse/source.ts';
import type { RawFlow } from '../../parse/walk.ts';

export interface ReportOptions {
  hint?: string | undefined;
  severity?: 'error' | 'warning';
  /** Point at the key naming the value rather than the value itself. */
  target?: 'key' | 'value';
  /** The line holds a secret: never print it (the message must not quote it either). */
  sensitive?: boolean;
}

/**
 * What a semantic rule sees: the flow (with typos read as meant), the config, and a way to report
 * at a path, typed with the ids the rule may report. The flow may have failed the schema: a rule
 * checks the type of what it reads.
 */
export interface RuleContext<Id extends string> {
  source: SourceFile;
  flow: RawFlow;
  config: FlowsConfig;
  /** Where a path of `flow` is in the file. */
  locate(path: DataPath, target?: 'value' | 'key'): Position;
  report(rule: Id, path: DataPath, message: string, options?: ReportOptions): void;
}

/** A semantic rule: what it declares (the ids it reports, and those of other passes it uses), and its check. */
export interface Rule<Id extends string = string> extends Declared<Id> {
  check(ctx: RuleContext<string>): void;
}

/**
 * Declares a rule next to its check. The check may report only the ids the rule declares or
 * uses: `ctx.report` is typed with them.
 */
export function defineRule<const Ids extends Record<string, string>, const Uses extends string = never>(rule: {
  ids: Ids;
  uses?: readonly Uses[];
  check(ctx: RuleContext<(keyof Ids & string) | Uses>): void;
}): Rule<keyof Ids & string> {
  return { ids: rule.ids, uses: rule.uses ?? [], check: rule.check };
}
