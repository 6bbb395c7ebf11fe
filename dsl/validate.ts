import { readFileSync } from 'node:fs';
import { emptyConfig, type FlowsConfig } from './config.ts';
import { byPosition, hasErrors, type Diagnostic, type Position } from './diagnostics.ts';
import { compileFlow } from './compile.ts';
import type { FlowIR } from './ir.ts';
import type { RuleId } from './rule-catalog.ts';
import { RULES } from './rules/index.ts';
import type { ReportOptions, RuleContext } from './rules/context.ts';
import { checkSchema } from './schema-check.ts';
import { locate, parseSource, type DataPath } from './source.ts';
import type { RawFlow } from './walk.ts';

export interface FlowFileResult {
  file: string;
  diagnostics: Diagnostic[];
  /** Present when the file has no error. */
  ir?: FlowIR;
  /** The flow id and its line, when the file got far enough to have one. */
  flowId?: { id: string } & Position;
}

/**
 * One flow file through every pass: YAML with positions, schema, semantic rules, compile.
 * Each pass runs only when the one before found no error, so later rules can trust the shape.
 */
export function checkFlow(file: string, text: string, config: FlowsConfig = emptyConfig()): FlowFileResult {
  const parsed = parseSource(file, text);
  const source = parsed.source;
  if (!source && hasErrors(parsed.diagnostics)) return { file, diagnostics: parsed.diagnostics };
  if (!source || source.data === null || source.data === undefined) {
    return {
      file,
      diagnostics: [
        { file, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', rule: 'empty-file', message: 'the file holds no flow', hint: 'a flow file needs flow, trigger and steps; see docs/flow-language.md' },
      ],
    };
  }
  const data = source.data as Partial<RawFlow>;
  const flowId = typeof data === 'object' && typeof data.flow === 'string' ? { id: data.flow, ...locate(source, ['flow']) } : undefined;
  const schema = checkSchema('flow', source);
  if (schema.length > 0) return { file, diagnostics: [...parsed.diagnostics, ...schema].sort(byPosition), ...(flowId ? { flowId } : {}) };

  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const ctx: RuleContext = {
    source,
    flow: source.data as RawFlow,
    config,
    report(rule: RuleId, path: DataPath, message: string, options: ReportOptions = {}) {
      diagnostics.push({
        ...locate(source, path, options.target ?? 'value'),
        file,
        severity: options.severity ?? 'error',
        rule,
        message,
        ...(options.hint ? { hint: options.hint } : {}),
        ...(options.sensitive ? { sensitive: true } : {}),
      });
    },
  };
  for (const rule of RULES) rule(ctx);
  diagnostics.sort(byPosition);
  const result: FlowFileResult = { file, diagnostics, ...(flowId ? { flowId } : {}) };
  if (!hasErrors(diagnostics)) result.ir = compileFlow(source, file);
  return result;
}

export function checkFlowFile(file: string, config?: FlowsConfig): FlowFileResult {
  return checkFlow(file, readFileSync(file, 'utf8'), config);
}

/** Checks across files: a flow id names one flow in the whole repository. */
export function checkAcrossFiles(results: readonly FlowFileResult[]): Diagnostic[] {
  const first = new Map<string, FlowFileResult>();
  const out: Diagnostic[] = [];
  for (const result of results) {
    const id = result.flowId;
    if (!id) continue;
    const earlier = first.get(id.id);
    if (!earlier) {
      first.set(id.id, result);
      continue;
    }
    out.push({
      file: result.file,
      line: id.line,
      column: id.column,
      endLine: id.endLine,
      endColumn: id.endColumn,
      severity: 'error',
      rule: 'duplicate-flow-id',
      message: `flow id '${id.id}' is already used by ${earlier.file}:${earlier.flowId!.line}`,
      hint: 'flow ids name runs in Temporal; give this flow its own id',
    });
  }
  return out;
}
