import { Client } from '@temporalio/client';
import { dataConverter } from '../codec/data-converter.ts';
import { ingestConnection } from '../ingest/connection.ts';
import { startEntriesWhenReachable, type RunningEntries } from '../ingest/entries-worker.ts';
import { watchFlows } from '../ingest/flow-registry.ts';
import { watchStops } from '../ingest/flow-stops.ts';
import { reportLine } from '../ingest/report.ts';
import { buildIngest } from '../ingest/server.ts';
import { openProfileStore, openStepLog } from '../store/open.ts';
import type { StepLog } from '../store/step-log.ts';
import { seenRetention, startSweeper } from '../store/retention.ts';
import type { ProfileStore } from '../store/store.ts';
import { temporalSettings, unreachable } from '../temporal/connection.ts';
import { installRuntimeFromEnv } from '../worker/runtime.ts';
import { allowedHosts } from './allowed-hosts.ts';
import { formatText } from './format/text.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { dataDir, loadProject } from './project.ts';

export interface RunningIngest {
  url: string;
  close(): Promise<void>;
}

/** Starts the ingest API on a Temporal connection; used by `flows ingest` and `flows start`. */
export async function serveIngest(
  io: CliIo,
  options: {
    port: number;
    host: string;
    allowHosts?: string[];
    profiles: ProfileStore;
    stepLog?: StepLog;
    config?: string;
    key: string;
    secret: string;
  },
): Promise<RunningIngest | undefined> {
  const project = loadProject(io, { config: options.config });
  if (!project) return undefined;
  let retentionMs: number;
  try {
    retentionMs = seenRetention();
  } catch (error) {
    io.err(`flows: ${(error as Error).message}\n`);
    return undefined;
  }
  const settings = temporalSettings();
  const connection = ingestConnection(settings);
  // The entries worker once it runs; a reload before that syncs nothing (its start-up sync follows).
  const entries: { current?: () => RunningEntries | undefined } = {};
  const flows = watchFlows({
    cwd: io.cwd,
    configFile: options.config,
    onReload: (f) => {
      io.out(`flows reloaded: ${f.length} flows (running runs keep their version)\n`);
      void entries.current?.()?.sync(f);
      void stops.sync(f);
    },
    onInvalid: (d) =>
      io.err(`flows changed but do not validate; the previous flows stay in force:\n${formatText(d, { files: 0, cwd: io.cwd })}`),
  });
  const converter = dataConverter();
  const identityPriority = (project.config as { ingest?: { identity_priority?: string[] } }).ingest?.identity_priority;
  const client = new Client({ connection, namespace: settings.namespace, ...(converter ? { dataConverter: converter } : {}) });
  // A flow edited to `status: stopped` reaches its running runs as a signal (ingest/flow-stops.ts).
  const stops = watchStops({ client, timezone: project.config.timezone, log: (line) => io.out(`${line}\n`) });
  const { app } = buildIngest({
    client,
    profiles: options.profiles,
    stepLog: options.stepLog,
    config: project.config,
    flows: flows.current,
    key: options.key,
    secret: options.secret,
    host: options.host,
    allowHosts: options.allowHosts ?? allowedHosts(undefined),
    onBatch: (report) => io.out(`${reportLine(report)}\n`),
    identityPriority,
  });
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    flows.close();
    await app.close();
    await connection.close();
    const inUse = (error as { code?: string }).code === 'EADDRINUSE';
    io.err(
      `flows: the ingest API cannot listen on ${options.host}:${options.port}: ${inUse ? 'the port is in use; pick another with --ingest-port (flows start) or --port (flows ingest)' : (error as Error).message}\n`,
    );
    return undefined;
  }
  // Scheduled and date entries start runs under the entry rules, which live here (ingest/entries-worker.ts);
  // with Temporal not reachable yet, they start once it is.
  const running = startEntriesWhenReachable({
    settings,
    client,
    deps: { client, profiles: options.profiles, config: project.config, stepLog: options.stepLog },
    flows: flows.current,
    log: (line) => io.out(`${line}\n`),
    onUnreachable: (error) =>
      io.err(`flows: scheduled and date entries wait for Temporal, trying again every 5 s: ${unreachable(settings, error)}\n`),
  });
  entries.current = running.current;
  await running.firstTry;
  void stops.sync(flows.current());
  // Ingest writes the de-duplication and entry records, so it also deletes them past retention.
  const sweeper = startSweeper(options.profiles, { retentionMs, log: (line) => io.out(`${line}\n`) });
  return {
    url: `http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${options.port}`,
    async close() {
      await sweeper.stop();
      flows.close();
      stops.close();
      await running.close();
      await app.close();
      await connection.close();
    },
  };
}

/** `flows ingest`: the ingest API alone against an existing Temporal server, as a deployment runs it. */
export async function ingestCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, COMMAND_WORDS.ingest.flags);
  const port = Number(values.port ?? 8080);
  if (!Number.isInteger(port)) throw new UsageError('--port takes a port number');
  const key = process.env.FLOWLINE_INGEST_KEY;
  const secret = process.env.FLOWLINE_INGEST_SECRET;
  if (!key || !secret) {
    io.err(
      'flows ingest: set FLOWLINE_INGEST_KEY and FLOWLINE_INGEST_SECRET: senders authenticate with them (HTTP Basic, as with mParticle)\n',
    );
    return EXIT.findings;
  }
  installRuntimeFromEnv();
  const profiles = await openProfileStore(dataDir(io, values.data));
  const stepLog = await openStepLog(dataDir(io, values.data));
  const running = await serveIngest(io, {
    port,
    host: values.host ?? '127.0.0.1',
    allowHosts: allowedHosts(values['allow-host']),
    profiles,
    stepLog,
    key,
    secret,
    config: values.config,
  });
  if (!running) return EXIT.findings;
  io.out(`ingest listening on ${running.url} (POST /v2/events, /v2/bulkevents, /v2/audiences; GET /healthz, /readyz, /stats)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  io.out('ingest stopped\n');
  return EXIT.ok;
}
