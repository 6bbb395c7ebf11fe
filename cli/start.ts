import { join, relative } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../dev/dev-server.ts';
import { openProfileStore, openStepLog } from '../store/open.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { registerSearchAttributes } from '../worker/search-attributes.ts';
import { startWorkers } from '../worker/start.ts';
import { allowedHosts } from './allowed-hosts.ts';
import { listenCodecServer } from './codec-server.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { serveIngest } from './ingest.ts';
import { serveStudio } from './studio.ts';
import { dataConverter } from '../codec/data-converter.ts';
import { dataDir, loadProject } from './project.ts';

/**
 * The local stack in one command: the Temporal dev server (SQLite under the data folder, Web UI),
 * search attributes, the workers, with fakes for destinations that have no credentials. Ctrl-C
 * stops everything.
 */
export async function startCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, COMMAND_WORDS.start.flags);
  const port = Number(values.port ?? 7233);
  const uiPort = Number(values['ui-port'] ?? 8233);
  const ingestPort = Number(values['ingest-port'] ?? 8080);
  const studioPort = Number(values['studio-port'] ?? 8090);
  if (!Number.isInteger(studioPort) || studioPort < 0 || studioPort > 65535) throw new UsageError('--studio-port takes a port number');
  // Fakes on fixed ports (one per destination from here up), so the banner's URLs outlive a restart.
  const fakesPort = Number(values['fakes-port'] ?? process.env.FLOWLINE_FAKES_PORT ?? 8100);
  if (!Number.isInteger(fakesPort) || fakesPort < 1 || fakesPort > 65000) throw new UsageError('--fakes-port takes a port number');
  if (!Number.isInteger(port) || !Number.isInteger(uiPort)) throw new UsageError('--port and --ui-port take port numbers');
  const project = loadProject(io, { config: values.config });
  if (!project) return EXIT.findings;
  const data = dataDir(io, values.data);
  const show = (path: string) => relative(io.cwd, path) || '.';
  installRuntime('WARN');

  io.out(`starting the Temporal dev server (state in ${show(join(data, 'temporal.sqlite'))})…\n`);
  // Each piece, once started, adds how to close it; stopping closes them in reverse (also when starting fails half-way).
  const closers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  // With a payload key, Temporal Web decrypts through a codec server on :8888. It wants a token, which
  // Temporal Web sends as the first path segment of its codec endpoint (its dev server has no header setting).
  let server: DevServer;
  let codec: Awaited<ReturnType<typeof listenCodecServer>>;
  try {
    codec = await listenCodecServer({
      port: 8888,
      host: '127.0.0.1',
      allowOrigins: [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
      allowHosts: allowedHosts(undefined),
    });
    closers.push(async () => codec?.close());
    server = await startDevServer({ dataDir: data, port, uiPort, ...(codec ? { codecEndpoint: codec.endpoint } : {}) });
    closers.push(() => server.stop());
  } catch (error) {
    io.err(`flows start: ${(error as Error).message}\n`);
    await stop();
    return EXIT.findings;
  }
  try {
    const client = await Connection.connect({ address: server.address });
    await registerSearchAttributes(client, 'default');
    await client.close();
    let destinations;
    try {
      destinations = await destinationClients(project.config, { mode: 'fake-missing', recordDir: join(data, 'calls'), fakesPort });
    } catch (error) {
      io.err(`flows start: ${(error as Error).message}\n`);
      return EXIT.findings;
    }
    closers.push(() => destinations.close());
    const { clients, faked } = destinations;
    const connection = await NativeConnection.connect({ address: server.address });
    closers.push(() => connection.close());
    const profiles = await openProfileStore(data);
    const stepLog = await openStepLog(data);
    const workers = await startWorkers({
      connection,
      namespace: 'default',
      config: project.config,
      profiles,
      destinations: clients,
      stepLog,
    });
    closers.push(() => workers.shutdown());

    // The demo stack accepts a well-known key when none is set, and says so.
    const key = process.env.FLOWLINE_INGEST_KEY || 'flowline-dev';
    const secret = process.env.FLOWLINE_INGEST_SECRET || 'flowline-dev';
    process.env.TEMPORAL_ADDRESS = server.address;
    const ingest = await serveIngest(io, {
      port: ingestPort,
      host: '127.0.0.1',
      profiles,
      stepLog,
      key,
      secret,
      config: values.config,
    });
    if (!ingest) return EXIT.findings;
    closers.push(() => ingest.close());
    // The studio reads the step-event log the runs write, and Temporal visibility; it never writes.
    const studioConnection = await Connection.connect({ address: server.address });
    closers.push(() => studioConnection.close());
    const converter = dataConverter();
    const studioClient = new Client({
      connection: studioConnection,
      namespace: 'default',
      ...(converter ? { dataConverter: converter } : {}),
    });
    const studio = await serveStudio({
      client: studioClient,
      namespace: 'default',
      log: stepLog,
      profiles,
      cwd: io.cwd,
      port: studioPort,
      temporalWeb: server.uiUrl,
      config: values.config,
    }).catch((error: Error) => {
      io.err(`flows start: the Flow Studio cannot listen on port ${studioPort} (${error.message}); give another with --studio-port\n`);
      return undefined;
    });
    if (studio) closers.push(() => studio.close());
    const active = project.flows.filter((f) => f.status === 'active').length;
    io.out(
      [
        '',
        'Flowline is running',
        `  Temporal server  ${server.address} (namespace default)`,
        `  Flow Studio      ${studio ? `${studio.url}  (every flow as a picture, live numbers per step; Edit and New flow propose each change as a git branch)` : 'not running (see above)'}`,
        `  Temporal Web     ${server.uiUrl}`,
        `  Flowline runs    ${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent('WorkflowType="flowRun"')}`,
        `                   (add the columns FlowId, UserId, FlowStep once: "Configure Workflows Table"; see docs/runtime.md)`,
        `  Worker           ${workers.queues.length} task queues: ${workers.queues.join(', ')}`,
        `  Flows            ${project.flows.length} from flows/ (${active} active)`,
        `  Payloads         ${codec ? `encrypted in Temporal (FLOWLINE_PAYLOAD_KEY); Temporal Web decrypts through ${codec.url} (token-protected)` : 'not encrypted (set FLOWLINE_PAYLOAD_KEY to encrypt them in Temporal)'}`,
        `  Profiles         ${process.env.FLOWLINE_DATABASE_URL ? 'PostgreSQL (FLOWLINE_DATABASE_URL)' : show(join(data, 'profiles'))}`,
        `  Ingest API       ${ingest.url}/v2/events (mParticle Events API; Basic auth ${process.env.FLOWLINE_INGEST_KEY ? 'from FLOWLINE_INGEST_KEY/SECRET' : 'flowline-dev:flowline-dev — set FLOWLINE_INGEST_KEY/SECRET for your own'})`,
        '',
        ...fakeBanner(faked, show(join(data, 'calls'))),
        `Send an event: npx flows send --event point_add --user cust-1001 --attributes '{"points":"150"}' --url ${ingest.url}`,
        'Start a run:  npx flows run flows/sailthru-welcome-series.yaml --user cust-1001 --event \'{"name":"sign_up","attributes":{"plan":"pro"}}\' --profile \'{"identities":{"email":"ada@example.com"}}\'',
        'See runs:     npx flows status   (or Temporal Web)',
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
    await workers.done; // the SDK stops workers on SIGINT/SIGTERM, letting running activities finish
  } finally {
    await stop();
  }
  io.out('Flowline stopped\n');
  return EXIT.ok;
}

function fakeBanner(faked: Array<{ name: string; missing: string[]; url?: string }>, callsDir: string): string[] {
  if (faked.length === 0) return [];
  const line = '!'.repeat(78);
  return [
    line,
    `!! FAKE DESTINATIONS: ${faked.length} destinations talk to local fakes instead of real services:`,
    ...faked.map(
      (f) => `!!   ${f.name.padEnd(16)} ${f.missing.length ? `no ${f.missing.join(', ')}` : '(built-in webhook)'}  → ${f.url}/__fake/calls`,
    ),
    `!! What each fake received is listed at its /__fake/calls and in ${callsDir}/<destination>.jsonl`,
    '!! Set the variables to send to the real services.',
    line,
    '',
  ];
}
