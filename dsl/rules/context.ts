import type { FlowsConfig } from '../config.ts';
import type { RuleId } from '../rule-catalog.ts';
import type { Position } from '../diagnostics.ts';
import type { DataPath, SourceFile } from '../source.ts';
import type { RawFlow } from '../walk.ts';

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
 * at a path. The flow may have failed the schema: a rule checks the type of what it reads.
 */
export interface RuleContext {
  source: SourceFile;
  flow: RawFlow;
  config: FlowsConfig;
  /** Where a path of `flow` is in the file. */
  locate(path: DataPath, target?: 'value' | 'key'): Position;
  report(rule: RuleId, path: DataPath, message: string, options?: ReportOptions): void;
}

export type Rule = (ctx: RuleContext) => void;
