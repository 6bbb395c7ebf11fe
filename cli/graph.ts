import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, emptyConfig, loadConfig } from '../dsl/config.ts';
import { checkFlowFile } from '../dsl/validate.ts';
import { formatText } from './format/text.ts';
import { toDot } from './graph/dot.ts';
import { toMermaid } from './graph/mermaid.ts';
import { flowGraph } from './graph/model.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';

const RENDERERS = { mermaid: toMermaid, dot: toDot } as const;

export function graphCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs(args, { format: { type: 'string' }, config: { type: 'string' } });
  const format = values.format ?? 'mermaid';
  if (!(format in RENDERERS)) throw new UsageError(`unknown format '${format}'; use mermaid or dot`);
  if (positionals.length !== 1) throw new UsageError('give exactly one flow file');
  const file = resolve(io.cwd, positionals[0]!);
  if (!existsSync(file)) throw new UsageError(`no such file: ${positionals[0]}`);
  const configFile = resolve(io.cwd, values.config ?? DEFAULT_CONFIG_FILE);
  if (values.config !== undefined && !existsSync(configFile)) throw new UsageError(`no such config file: ${values.config}`);
  const config = existsSync(configFile) ? loadConfig(configFile).config : emptyConfig();
  const result = checkFlowFile(file, config);
  if (!result.ir) {
    const shown = relative(io.cwd, file);
    io.err(formatText(result.diagnostics.map((d) => ({ ...d, file: shown })), { files: 1, cwd: io.cwd }));
    return EXIT.findings;
  }
  io.out(RENDERERS[format as keyof typeof RENDERERS](flowGraph(result.ir)));
  return EXIT.ok;
}
