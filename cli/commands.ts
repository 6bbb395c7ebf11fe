/**
 * Every command's words and flags, once: `flows help` and each usage line are made from these,
 * and each command parses its arguments with its own entry. A flag's `shows` is what its usage
 * line puts after it (a default, or what to give); a boolean flag shows nothing.
 */
interface Flag {
  type: 'string' | 'boolean';
  shows?: string;
  /** Written without brackets in the usage line. */
  required?: boolean;
}

interface CommandWords {
  summary: string;
  /** What goes before the flags, as the usage line shows it: `FILE`, `[paths…]`. */
  positionals?: string;
  flags: Readonly<Record<string, Flag>>;
}

const config = { type: 'string', shows: 'FILE' } as const;
const data = { type: 'string', shows: 'DIR' } as const;
const allowHost = { type: 'string', shows: 'NAME,…' } as const;

export const COMMAND_WORDS = {
  validate: {
    summary: 'check flow files and flows.config.yaml; exit 1 on any error',
    positionals: '[paths…]',
    flags: { config, format: { type: 'string', shows: 'text|json|github' } },
  },
  graph: {
    summary: 'draw a flow as Mermaid, Graphviz, SVG or a PR comment; --compare marks what changed since a git ref',
    positionals: 'FILE',
    flags: { format: { type: 'string', shows: 'mermaid|dot|svg|markdown' }, compare: { type: 'string', shows: 'REF' }, config },
  },
  edit: {
    summary: 'change a flow file in place (set a key, add, move or remove a step), keeping its comments; prints the diff',
    positionals: 'FILE set STEP KEY=VALUE | remove STEP | add STEP-YAML | move STEP',
    flags: {
      after: { type: 'string', shows: 'STEP' },
      before: { type: 'string', shows: 'STEP' },
      'dry-run': { type: 'boolean' },
      force: { type: 'boolean' },
      config,
    },
  },
  studio: {
    summary: 'the Flow Studio web app: every flow as a picture with live per-step numbers; edits proposed as git branches',
    flags: {
      port: { type: 'string', shows: '8090' },
      'read-only': { type: 'boolean' },
      host: { type: 'string', shows: '127.0.0.1' },
      'allow-host': allowHost,
      temporal: { type: 'string', shows: 'ADDRESS' },
      'temporal-web': { type: 'string', shows: 'URL' },
      data,
      config,
    },
  },
  start: {
    summary: 'the local stack: Temporal dev server, Web UI, workers, fake destinations where no credentials',
    flags: {
      port: { type: 'string', shows: '7233' },
      'ui-port': { type: 'string', shows: '8233' },
      'ingest-port': { type: 'string', shows: '8080' },
      'studio-port': { type: 'string', shows: '8090' },
      'fakes-port': { type: 'string', shows: '8100' },
      data,
      config,
    },
  },
  simulate: {
    summary: 'run a flow on the time-skipping server with recording destinations; print every call',
    positionals: 'FILE',
    flags: {
      event: { type: 'string', shows: 'JSON' },
      user: { type: 'string', shows: 'ID' },
      profile: { type: 'string', shows: 'JSON' },
      'event-during': { type: 'string', shows: 'STEP=JSON' },
      force: { type: 'boolean' },
      config,
    },
  },
  ingest: {
    summary: 'the ingest API (mParticle Events API) against an existing Temporal server',
    flags: { port: { type: 'string', shows: '8080' }, host: { type: 'string', shows: '127.0.0.1' }, 'allow-host': allowHost, config, data },
  },
  send: {
    summary: 'post a batch (a file, or a generated event with --event and --user) to a running ingest',
    positionals: '[FILE.json]',
    flags: {
      event: { type: 'string', shows: 'NAME' },
      user: { type: 'string', shows: 'ID' },
      attributes: { type: 'string', shows: 'JSON' },
      url: { type: 'string', shows: 'http://localhost:8080' },
    },
  },
  'codec-server': {
    summary: 'decrypt payloads for Temporal Web, with FLOWLINE_PAYLOAD_KEY',
    flags: {
      port: { type: 'string', shows: '8888' },
      host: { type: 'string', shows: '127.0.0.1' },
      'allow-origin': { type: 'string', shows: 'http://localhost:8233,…' },
      'allow-host': allowHost,
    },
  },
  run: {
    summary: 'start a run by hand on the Temporal server (TEMPORAL_ADDRESS)',
    positionals: 'FILE',
    flags: {
      user: { type: 'string', shows: 'ID', required: true },
      event: { type: 'string', shows: 'JSON' },
      profile: { type: 'string', shows: 'JSON' },
      force: { type: 'boolean' },
      config,
      data,
    },
  },
  report: {
    summary: 'goals, experiments (lift, winner) and last-touch credits of a flow, from the step-event log',
    positionals: 'FLOW',
    flags: {
      since: { type: 'string', shows: '7d' },
      format: { type: 'string', shows: 'text|json|csv' },
      version: { type: 'string', shows: 'V' },
      data,
      config,
    },
  },
  status: {
    summary: 'list runs: the step each is at and what it waits for, or how it ended (completed, exited, failed…) and why',
    flags: { flow: { type: 'string', shows: 'ID' }, all: { type: 'boolean' }, limit: { type: 'string', shows: 'N' } },
  },
  'github-action': {
    summary:
      "what the GitHub Action runs: validate with annotations, job summary and outputs, one pull-request comment of the changed flows' pictures",
    flags: {
      project: { type: 'string', shows: 'DIR' },
      'base-ref': { type: 'string', shows: 'REF' },
      comment: { type: 'string', shows: 'true|false' },
    },
  },
  worker: {
    summary: 'run the workers against an existing Temporal server',
    flags: {
      config,
      'fake-destinations': { type: 'boolean' },
      'fake-missing': { type: 'boolean' },
      'fakes-port': { type: 'string', shows: 'PORT' },
      data,
    },
  },
  cluster: {
    summary: 'a production-shaped stack on this machine: PostgreSQL, the Temporal server and Web, two ingests, two workers, the studio',
    flags: {
      port: { type: 'string', shows: '7233' },
      'ui-port': { type: 'string', shows: '8233' },
      'ingest-ports': { type: 'string', shows: '8080,8081' },
      'studio-port': { type: 'string', shows: '8090' },
      'postgres-port': { type: 'string', shows: '5433' },
      'fakes-port': { type: 'string', shows: '8100' },
      data,
      config,
    },
  },
  lsp: {
    summary: 'the language server for editors: findings as you type, completion, hover, go to definition (docs/editors.md)',
    // Both as language clients pass them: vscode-languageserver reads --clientProcessId itself, and exits with that process.
    flags: { stdio: { type: 'boolean' }, clientProcessId: { type: 'string', shows: 'PID' } },
  },
} as const satisfies Record<string, CommandWords>;

export type CommandName = keyof typeof COMMAND_WORDS;

/** The usage line of a command, made from its flags. */
export function usage(name: CommandName): string {
  const words: CommandWords = COMMAND_WORDS[name];
  const flags = Object.entries(words.flags).map(([flag, f]) => {
    const text = f.type === 'boolean' ? `--${flag}` : `--${flag} ${f.shows ?? 'VALUE'}`;
    return f.required ? text : `[${text}]`;
  });
  return ['flows', name, ...(words.positionals ? [words.positionals] : []), ...flags].join(' ');
}
