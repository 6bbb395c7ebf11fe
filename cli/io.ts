import { parseArgs } from 'node:util';

/** Where a command writes, so tests can run commands in-process and read what they print. */
export interface CliIo {
  cwd: string;
  out(text: string): void;
  err(text: string): void;
}

export const processIo = (): CliIo => ({
  cwd: process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});

/** Exit codes shared by every command: 0 fine, 1 findings, 2 the command itself was misused. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

export class UsageError extends Error {}

/** parseArgs with our conventions: the command's flags only (cli/commands.ts); anything else is a usage error. */
export function parseCommandArgs<T extends Readonly<Record<string, { type: 'string' | 'boolean' }>>>(args: string[], flags: T) {
  const options = Object.fromEntries(Object.entries(flags).map(([name, f]) => [name, { type: f.type }])) as {
    [K in keyof T]: { type: T[K]['type'] };
  };
  return parseArgs({ args, options, allowPositionals: true, strict: true });
}
