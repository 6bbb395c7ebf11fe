import { graphCommand } from './graph.ts';
import { EXIT, processIo, UsageError, type CliIo } from './io.ts';
import { CODEC_SERVER_USAGE, codecServerCommand } from './codec-server.ts';
import { INGEST_USAGE, ingestCommand } from './ingest.ts';
import { RUN_USAGE, runCommand } from './run.ts';
import { SEND_USAGE, sendCommand } from './send.ts';
import { SIMULATE_USAGE, simulateCommand } from './simulate.ts';
import { START_USAGE, startCommand } from './start.ts';
import { STATUS_USAGE, statusCommand } from './status.ts';
import { validateCommand } from './validate.ts';
import { WORKER_USAGE, workerCommand } from './worker.ts';

interface Command {
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number> | number;
}

const COMMANDS: Record<string, Command> = {
  validate: {
    summary: 'check flow files and flows.config.yaml; exit 1 on any error',
    usage: 'flows validate [paths…] [--config FILE] [--format text|json|github]',
    run: validateCommand,
  },
  graph: {
    summary: 'draw a flow as a Mermaid (GitHub markdown) or Graphviz diagram',
    usage: 'flows graph FILE [--format mermaid|dot] [--config FILE]',
    run: graphCommand,
  },
  start: {
    summary: 'the local stack: Temporal dev server, Web UI, workers, fake destinations where no credentials',
    usage: START_USAGE,
    run: startCommand,
  },
  simulate: {
    summary: 'run a flow on the time-skipping server with recording destinations; print every call',
    usage: SIMULATE_USAGE,
    run: simulateCommand,
  },
  ingest: {
    summary: 'the ingest API (mParticle Events API) against an existing Temporal server',
    usage: INGEST_USAGE,
    run: ingestCommand,
  },
  send: {
    summary: 'post a batch (a file, or a generated event) to a running ingest',
    usage: SEND_USAGE,
    run: sendCommand,
  },
  'codec-server': {
    summary: 'decrypt payloads for Temporal Web, with FLOWLINE_PAYLOAD_KEY',
    usage: CODEC_SERVER_USAGE,
    run: codecServerCommand,
  },
  run: {
    summary: 'start a run by hand on the Temporal server (TEMPORAL_ADDRESS)',
    usage: RUN_USAGE,
    run: runCommand,
  },
  status: {
    summary: 'list runs with their current step and what they wait for',
    usage: STATUS_USAGE,
    run: statusCommand,
  },
  worker: {
    summary: 'run the workers against an existing Temporal server',
    usage: WORKER_USAGE,
    run: workerCommand,
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
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`flows ${name}: ${(error as Error).message}\nusage: ${command.usage}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
