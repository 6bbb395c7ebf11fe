import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, emptyConfig } from '../dsl/language/config.ts';
import { loadConfig } from '../dsl/load/config.ts';
import { checkFlow } from '../dsl/validate/validate.ts';
import { checkFlowFile } from '../dsl/load/flow-file.ts';
import { layoutFlow } from '../studio/graph/layout.ts';
import { flowGraph, type FlowGraph } from '../studio/graph/model.ts';
import { renderSvg } from '../studio/graph/svg.ts';
import { formatText } from './format/text.ts';
import { compareFlows, markGraph, type FlowChange } from '../studio/graph/compare.ts';
import { fileAtRef } from './graph/file-at-ref.ts';
import { toDot } from './graph/dot.ts';
import { toMarkdown } from '../studio/graph/markdown.ts';
import { toMermaid } from '../studio/graph/mermaid.ts';
import { shortenGraph, withTitles } from '../studio/graph/shorten.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';

const FORMATS = ['mermaid', 'dot', 'svg', 'markdown'] as const;

export async function graphCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, COMMAND_WORDS.graph.flags);
  const format = values.format ?? 'mermaid';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format '${format}'; use ${FORMATS.join(', ')}`);
  if (positionals.length !== 1) throw new UsageError('give exactly one flow file');
  const file = resolve(io.cwd, positionals[0]!);
  if (!existsSync(file)) throw new UsageError(`no such file: ${positionals[0]}`);
  const configFile = resolve(io.cwd, values.config ?? DEFAULT_CONFIG_FILE);
  if (values.config !== undefined && !existsSync(configFile)) throw new UsageError(`no such config file: ${values.config}`);
  const config = existsSync(configFile) ? loadConfig(configFile).config : emptyConfig();
  const shown = relative(io.cwd, file);
  const result = checkFlowFile(file, config);
  if (!result.ir) {
    io.err(
      formatText(
        result.diagnostics.map((d) => ({ ...d, file: shown })),
        { files: 1, cwd: io.cwd },
      ),
    );
    return EXIT.findings;
  }
  const ir = { ...result.ir, source: shown };
  let graph: FlowGraph = flowGraph(ir);
  let changes: { ref: string; list: FlowChange[] } | undefined;
  if (values.compare !== undefined) {
    let text: string;
    try {
      text = fileAtRef(file, values.compare);
    } catch (error) {
      io.err(
        `flows graph: ${(error as Error).message} (is it a git ref, and was the file there? a new file has nothing to compare with)\n`,
      );
      return EXIT.findings;
    }
    const before = checkFlow(`${shown}@${values.compare}`, text, config);
    if (!before.ir) {
      io.err(`flows graph: ${shown} at ${values.compare} does not validate, so it cannot be compared:\n`);
      io.err(formatText(before.diagnostics, { files: 1, cwd: io.cwd }));
      return EXIT.findings;
    }
    changes = { ref: values.compare, list: compareFlows(before.ir, ir) };
    graph = markGraph(graph, ir, changes.list);
  }
  switch (format as (typeof FORMATS)[number]) {
    case 'mermaid':
      io.out(toMermaid(graph));
      break;
    case 'dot':
      io.out(toDot(graph));
      break;
    case 'svg':
      io.out(withTitles(renderSvg(await layoutFlow(ir, { graph: shortenGraph(graph) })), graph));
      break;
    case 'markdown':
      io.out(toMarkdown(graph, shown, changes));
      break;
  }
  return EXIT.ok;
}
