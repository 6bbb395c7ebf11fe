import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { hasErrors } from '../dsl/parse/diagnostics.ts';
import { checkProject } from '../dsl/load/project.ts';
import { formatGithub } from './format/github.ts';
import { formatJson } from './format/json.ts';
import { formatText } from './format/text.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';

const FORMATS = { text: formatText, json: formatJson, github: formatGithub } as const;

export function validateCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs(args, COMMAND_WORDS.validate.flags);
  const format = values.format ?? 'text';
  if (!(format in FORMATS)) throw new UsageError(`unknown format '${format}'; use text, json or github`);
  for (const path of positionals) {
    if (!existsSync(resolve(io.cwd, path))) throw new UsageError(`no such file or folder: ${path}`);
  }
  if (values.config !== undefined && !existsSync(resolve(io.cwd, values.config))) {
    throw new UsageError(`no such config file: ${values.config}`);
  }
  const result = checkProject({ paths: positionals, configFile: values.config, cwd: io.cwd, compile: false });
  if (result.files.length === 0) {
    throw new UsageError(
      positionals.length
        ? `no flow files (*.yaml, *.yml) under ${positionals.join(', ')}`
        : 'no flows/ folder here; pass the paths of flow files',
    );
  }
  io.out(FORMATS[format as keyof typeof FORMATS](result.diagnostics, { files: result.files.length, cwd: io.cwd }));
  return hasErrors(result.diagnostics) ? EXIT.findings : EXIT.ok;
}
