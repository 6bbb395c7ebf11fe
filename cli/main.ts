import { EXIT, processIo, UsageError, type CliIo } from './io.ts';

type Run = (args: string[], io: CliIo) => Promise<number> | number;

interface Command {
  summary: string;
  usage: string;
  /** Imported only when the command runs: `flows validate` need not load the Temporal worker. */
  load(): Promise<Run>;
}

const COMMANDS: Record<string, Command> = {
  validate: {
    summary: 'check flow files and flows.config.yaml; exit 1 on any error',
    usage: 'flows validate [paths…] [--config FILE] [--format text|json|github]',
    load: async () => (await import('./validate.ts')).validateCommand,
  },
  graph: {
    summary: 'draw a flow as Mermaid, Graphviz, SVG or a PR comment; --compare marks what changed since a git ref',
    usage: 'flows graph FILE [--format mermaid|dot|svg|markdown] [--compare REF] [--config FILE]',
    load: async () => (await import('./graph.ts')).graphCommand,
  },
  studio: {
    summary: 'the Flow Studio web app: every flow as a picture with live per-step numbers (read-only)',
    usage:
      'flows studio [--port 8090] [--host 127.0.0.1] [--allow-host NAME,…] [--temporal ADDRESS] [--temporal-web URL] [--data DIR] [--config FILE]',
    load: async () => (await import('./studio.ts')).studioCommand,
  },
  start: {
    summary: 'the local stack: Temporal dev server, Web UI, workers, fake destinations where no credentials',
    usage:
      'flows start [--port 7233] [--ui-port 8233] [--ingest-port 8080] [--studio-port 8090] [--fakes-port 8100] [--data DIR] [--config FILE]',
    load: async () => (await import('./start.ts')).startCommand,
  },
  simulate: {
    summary: 'run a flow on the time-skipping server with recording destinations; print every call',
    usage: 'flows simulate FILE [--event JSON] [--user ID] [--profile JSON] [--force] [--config FILE]',
    load: async () => (await import('./simulate.ts')).simulateCommand,
  },
  ingest: {
    summary: 'the ingest API (mParticle Events API) against an existing Temporal server',
    usage: 'flows ingest [--port 8080] [--host 127.0.0.1] [--allow-host NAME,…] [--config FILE] [--data DIR]',
    load: async () => (await import('./ingest.ts')).ingestCommand,
  },
  send: {
    summary: 'post a batch (a file, or a generated event) to a running ingest',
    usage: 'flows send [FILE.json] [--event NAME --user ID [--attributes JSON]] [--url http://localhost:8080]',
    load: async () => (await import('./send.ts')).sendCommand,
  },
  'codec-server': {
    summary: 'decrypt payloads for Temporal Web, with FLOWLINE_PAYLOAD_KEY',
    usage: 'flows codec-server [--port 8888] [--host 127.0.0.1] [--allow-origin http://localhost:8233,…] [--allow-host NAME,…]',
    load: async () => (await import('./codec-server.ts')).codecServerCommand,
  },
  run: {
    summary: 'start a run by hand on the Temporal server (TEMPORAL_ADDRESS)',
    usage: 'flows run FILE --user ID [--event JSON] [--profile JSON] [--force] [--config FILE] [--data DIR]',
    load: async () => (await import('./run.ts')).runCommand,
  },
  report: {
    summary: 'goals, experiments (lift, winner) and last-touch credits of a flow, from the step-event log',
    usage: 'flows report FLOW [--since 7d] [--format text|json|csv] [--version V] [--data DIR] [--config FILE]',
    load: async () => (await import('./report.ts')).reportCommand,
  },
  status: {
    summary: 'list runs with their current step and what they wait for',
    usage: 'flows status [--flow ID] [--all] [--limit N]',
    load: async () => (await import('./status.ts')).statusCommand,
  },
  worker: {
    summary: 'run the workers against an existing Temporal server',
    usage: 'flows worker [--config FILE] [--fake-destinations] [--data DIR]',
    load: async () => (await import('./worker.ts')).workerCommand,
  },
};

/** Every command's name, for help and for tests that try each one. */
export const COMMAND_NAMES = Object.keys(COMMANDS);

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'flows — Flowline: marketing journeys as YAML, run on Temporal',
    '',
    'usage:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.err : io.out)(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`flows: unknown command '${name}'\n\n${help()}`);
    return EXIT.usage;
  }
  // Every command answers --help the same way, before its own argument parser sees the flag.
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`flows ${name} — ${command.summary}\n\nusage: ${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    const run = await command.load();
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`flows ${name}: ${(error as Error).message}\nusage: ${command.usage}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
