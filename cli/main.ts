import { COMMAND_WORDS, usage, type CommandName } from './commands.ts';
import { EXIT, processIo, UsageError, type CliIo } from './io.ts';

type Run = (args: string[], io: CliIo) => Promise<number> | number;

interface Command {
  /** Imported only when the command runs: `flows validate` need not load the Temporal worker. */
  load(): Promise<Run>;
}

const COMMANDS: Record<CommandName, Command> = {
  validate: {
    load: async () => (await import('./validate.ts')).validateCommand,
  },
  graph: {
    load: async () => (await import('./graph.ts')).graphCommand,
  },
  edit: {
    load: async () => (await import('./edit.ts')).editCommand,
  },
  studio: {
    load: async () => (await import('./studio.ts')).studioCommand,
  },
  start: {
    load: async () => (await import('./start.ts')).startCommand,
  },
  cluster: {
    load: async () => (await import('./cluster.ts')).clusterCommand,
  },
  simulate: {
    load: async () => (await import('./simulate.ts')).simulateCommand,
  },
  ingest: {
    load: async () => (await import('./ingest.ts')).ingestCommand,
  },
  send: {
    load: async () => (await import('./send.ts')).sendCommand,
  },
  'codec-server': {
    load: async () => (await import('./codec-server.ts')).codecServerCommand,
  },
  run: {
    load: async () => (await import('./run.ts')).runCommand,
  },
  report: {
    load: async () => (await import('./report.ts')).reportCommand,
  },
  status: {
    load: async () => (await import('./status.ts')).statusCommand,
  },
  'github-action': {
    load: async () => (await import('./github-action.ts')).githubActionCommand,
  },
  worker: {
    load: async () => (await import('./worker.ts')).workerCommand,
  },
  lsp: {
    load: async () => (await import('./lsp.ts')).lspCommand,
  },
};

/** Every command's name, for help and for tests that try each one. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

const isCommand = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'flows — Flowline: marketing journeys as YAML, run on Temporal',
    '',
    'usage:',
    ...COMMAND_NAMES.map((name) => `  ${usage(name)}`),
    '',
    'commands:',
    ...COMMAND_NAMES.map((name) => `  ${name.padEnd(width)}  ${COMMAND_WORDS[name].summary}`),
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.err : io.out)(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (!isCommand(name)) {
    io.err(`flows: unknown command '${name}'\n\n${help()}`);
    return EXIT.usage;
  }
  // Every command answers --help the same way, before its own argument parser sees the flag.
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`flows ${name} — ${COMMAND_WORDS[name].summary}\n\nusage: ${usage(name)}\n`);
    return EXIT.ok;
  }
  try {
    const run = await COMMANDS[name].load();
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`flows ${name}: ${(error as Error).message}\nusage: ${usage(name)}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
