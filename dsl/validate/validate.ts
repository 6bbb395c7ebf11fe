import { emptyConfig, type FlowsConfig } from '../language/config.ts';
import { byPosition, declareFindings, finding, hasErrors, type Diagnostic, type Position } from '../parse/diagnostics.ts';
import { compileFlow } from '../compile/compile.ts';
import type { FlowIR } from '../language/ir.ts';
import { RULES } from './rules/index.ts';
import type { ReportOptions, RuleContext } from './rules/context.ts';
import { readAsMeant, type AsMeant } from './read-as-meant.ts';
import { locate, parseSource, type SourceFile } from '../parse/source.ts';
import type { DataPath } from '../language/data-path.ts';
import { walkingOnce, type RawFlow } from '../parse/walk.ts';

/** What a file as a whole, and the files together, are checked for. */
export const FILE_FINDINGS = declareFindings({
  ids: {
    'empty-file': 'a flow file holds nothing',
    'duplicate-flow-id': 'two files use the same flow id',
  },
});

export interface FlowFileResult {
  file: string;
  diagnostics: Diagnostic[];
  /** Present when the file has no error. */
  ir?: FlowIR;
  /** The flow's id, and where it is written (read from the file only if a duplicate is reported). */
  flowId?: { id: string; place(): Position };
}

/** `compile: false` checks only (flows validate): the IR adds no finding, and is a fifth of the time. */
export interface CheckOptions {
  compile?: boolean;
}

/**
 * One flow file through every pass: YAML with positions, schema, semantic rules, compile.
 * A YAML error stops there (there is no data to check). Otherwise the schema and every rule
 * run, so one run reports every mistake: typos are read as they surely mean (read-as-meant.ts),
 * and a rule says nothing at or under a value the schema refused, which it would only misjudge.
 * The IR is compiled only when nothing is an error.
 */
export function checkFlow(file: string, text: string, config: FlowsConfig = emptyConfig(), options: CheckOptions = {}): FlowFileResult {
  const parsed = parseSource(file, text);
  const source = parsed.source;
  if (!source && hasErrors(parsed.diagnostics)) return { file, diagnostics: parsed.diagnostics };
  if (!source || source.data === null || source.data === undefined) {
    return {
      file,
      diagnostics: [
        FILE_FINDINGS.finding(file, { line: 1, column: 1, endLine: 1, endColumn: 1 }, 'empty-file', 'the file holds no flow', {
          hint: 'a flow file needs flow, trigger and steps; see docs/flow-language.md',
        }),
      ],
    };
  }
  const data = source.data as Partial<RawFlow>;
  const flowId =
    typeof data === 'object' && typeof data.flow === 'string' ? { id: data.flow, place: () => locate(source, ['flow']) } : undefined;
  const schema = readAsMeant('flow', source);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics, ...schema.diagnostics];
  if (isMap(schema.data)) diagnostics.push(...walkingOnce(() => ruleFindings(source, schema, config)));
  const result: FlowFileResult = { file, diagnostics: diagnostics.sort(byPosition), flowId };
  if (options.compile !== false && !hasErrors(diagnostics)) result.ir = compileFlow(source, file);
  return result;
}

/**
 * Every semantic rule over the data as meant. Each runs on its own: on a file the schema refused,
 * a rule that stumbles on a shape it does not expect loses only its own findings. On a file the
 * schema accepted, a rule that throws is a bug, and the error goes up.
 */
function ruleFindings(source: SourceFile, schema: AsMeant, config: FlowsConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  const refusedBySchema = (path: DataPath) => schema.refused.some((r) => r.length <= path.length && r.every((s, i) => s === path[i]));
  for (const rule of RULES) {
    const found: Diagnostic[] = [];
    const ctx: RuleContext<string> = {
      source,
      flow: schema.data as RawFlow,
      config,
      locate: (path, target) => locate(source, schema.toFile(path), target),
      report(id: string, path: DataPath, message: string, options: ReportOptions = {}) {
        const inFile = schema.toFile(path);
        if (refusedBySchema(inFile)) return;
        found.push(finding(source.file, locate(source, inFile, options.target ?? 'value'), id, message, options));
      },
    };
    try {
      rule.check(ctx);
    } catch (error) {
      if (schema.refused.length === 0) throw error;
      continue;
    }
    out.push(...found);
  }
  return out;
}

const isMap = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);

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
    out.push(
      FILE_FINDINGS.finding(
        result.file,
        id.place(),
        'duplicate-flow-id',
        `flow id '${id.id}' is already used by ${earlier.file}:${earlier.flowId!.place().line}`,
        {
          hint: 'flow ids name runs in Temporal; give this flow its own id',
        },
      ),
    );
  }
  return out;
}
