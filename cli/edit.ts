import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { parse } from 'yaml';
import { DEFAULT_CONFIG_FILE, emptyConfig } from '../dsl/language/config.ts';
import { applyEdit, type FlowEdit, type StepRef, type Where } from '../dsl/edit/index.ts';
import { loadConfig } from '../dsl/load/config.ts';
import { hasErrors } from '../dsl/parse/diagnostics.ts';
import { checkFlow } from '../dsl/validate/validate.ts';
import { formatText } from './format/text.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';

/**
 * `flows edit FILE set|remove|add|move …`: one edit written into the file's text by dsl/edit/
 * (only the lines involved change, comments stay), checked as `flows validate` checks it, then
 * written in place; the unified diff goes to stdout.
 */
export function editCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs(args, COMMAND_WORDS.edit.flags);
  const [path, verb, ...rest] = positionals;
  if (path === undefined || verb === undefined) throw new UsageError('give a flow file and what to do: set, remove, add or move');
  const file = resolve(io.cwd, path);
  if (!existsSync(file)) throw new UsageError(`no such file: ${path}`);
  const configFile = resolve(io.cwd, values.config ?? DEFAULT_CONFIG_FILE);
  if (values.config !== undefined && !existsSync(configFile)) throw new UsageError(`no such config file: ${values.config}`);
  const edit = editOf(verb, rest, values);

  const before = readFileSync(file, 'utf8');
  const result = applyEdit(before, edit);
  if (!result.ok) {
    io.err(`flows edit: ${result.reason}\n`);
    return EXIT.findings;
  }
  if (result.text === before) {
    io.err('flows edit: nothing to change\n');
    return EXIT.ok;
  }
  const shown = relative(io.cwd, file);
  const config = existsSync(configFile) ? loadConfig(configFile).config : emptyConfig();
  const checked = checkFlow(shown, result.text, config, { compile: false });
  const failed = hasErrors(checked.diagnostics);
  if (failed) {
    io.err(formatText(checked.diagnostics, { files: 1, cwd: io.cwd, sources: new Map([[shown, result.text]]) }));
    const already = hasErrors(checkFlow(shown, before, config, { compile: false }).diagnostics);
    if (!values.force) {
      io.err(
        `flows edit: the edited ${shown} would not validate${already ? ' (it did not before the edit either)' : ''}; not written (--force writes it anyway)\n`,
      );
      return EXIT.findings;
    }
  }
  io.out(createTwoFilesPatch(shown, shown, before, result.text, '', ''));
  if (values['dry-run']) return EXIT.ok;
  writeFileSync(file, result.text);
  if (failed) io.err(`flows edit: written with errors (--force): ${shown} does not validate\n`);
  return EXIT.ok;
}

function editOf(verb: string, rest: string[], values: { after?: string; before?: string }): FlowEdit {
  const where = (): Where => {
    if ((values.after === undefined) === (values.before === undefined))
      throw new UsageError(`${verb} needs one of --after STEP or --before STEP`);
    return values.after !== undefined ? { after: values.after } : { before: values.before! };
  };
  const noPlace = () => {
    if (values.after !== undefined || values.before !== undefined) throw new UsageError(`${verb} takes no --after or --before`);
  };
  const one = (what: string): string => {
    if (rest.length !== 1) throw new UsageError(`${verb} takes ${what}`);
    return rest[0]!;
  };
  const step = (): StepRef => one('one STEP (its id, or its position like #3)');
  switch (verb) {
    case 'set': {
      noPlace();
      if (rest.length !== 2) throw new UsageError("set takes STEP KEY=VALUE (for example: set '#2' wait=5d)");
      const [step, assignment] = rest as [string, string];
      const at = assignment.indexOf('=');
      if (at <= 0) throw new UsageError(`'${assignment}' is not KEY=VALUE`);
      return { op: 'setStep', step, key: assignment.slice(0, at), value: yamlValue(assignment.slice(at + 1)) };
    }
    case 'remove':
      noPlace();
      return { op: 'removeStep', step: step() };
    case 'add':
      return { op: 'addStep', step: one("one step as YAML (for example: 'wait: 1d')"), where: where() };
    case 'move':
      return { op: 'moveStep', step: step(), where: where() };
    default:
      throw new UsageError(`unknown edit '${verb}'; use set, remove, add or move`);
  }
}

function yamlValue(text: string): unknown {
  try {
    return parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`the value is not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}
