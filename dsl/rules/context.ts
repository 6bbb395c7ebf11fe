import type { FlowsConfig } from '../config.ts';
import type { RuleId } from '../rule-catalog.ts';
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

/** What a semantic rule sees: a schema-valid flow, the config, and a way to report at a path. */
export interface RuleContext {
  source: SourceFile;
  flow: RawFlow;
  config: FlowsConfig;
  report(rule: RuleId, path: DataPath, message: string, options?: ReportOptions): void;
}

export type Rule = (ctx: RuleContext) => void;
