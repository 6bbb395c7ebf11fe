import { join, relative } from 'node:path';
import { ensureDatabase, startPostgres } from '../dev/postgres.ts';
import { portInUse, spawnService, type Service } from '../dev/services.ts';
import {
  CLUSTER_POSTGRES_SETTINGS,
  ensureNamespace,
  serverPorts,
  setUpTemporalSchema,
  startTemporalServer,
  startTemporalWeb,
} from '../dev/temporal-cluster.ts';
import { checkoutRoot, clusterTools } from '../dev/tools.ts';
import { registerSearchAttributesAt } from '../worker/search-attributes.ts';
import { allowedHosts } from './allowed-hosts.ts';
import { listenCodecServer } from './codec-server.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { dataDir, loadProject } from './project.ts';

const NAMESPACE = 'default';

function port(value: string | undefined, fallback: number, flag: string): number {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`${flag} takes a port number`);
  return n;
}

/**
 * A production-shaped stack on one machine, in the foreground: a private PostgreSQL (data under
 * `<data>/cluster`, reused by the next start), the Temporal server (every service, several
 * history shards, persistence and SQL visibility on that PostgreSQL, schema set up with its own
 * SQL tool), Temporal Web, and Flowline as a deployment runs it: two `flows ingest`, two
 * `flows worker` and `flows studio`, each its own process on the PostgreSQL stores. Ctrl-C or
 * SIGTERM stops all of it, in reverse order.
 */
export async function clusterCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, COMMAND_WORDS.cluster.flags);
  const temporalPort = port(values.port, 7233, '--port');
  const uiPort = port(values['ui-port'], 8233, '--ui-port');
  const studioPort = port(values['studio-port'], 8090, '--studio-port');
  const postgresPort = port(values['postgres-port'], 5433, '--postgres-port');
  const fakesPort = port(values['fakes-port'] ?? process.env.FLOWLINE_FAKES_PORT, 8100, '--fakes-port');
  const ingestPorts = (values['ingest-ports'] ?? '8080,8081').split(',').map((p) => port(p.trim(), 0, '--ingest-ports'));
  if (ingestPorts.length < 1) throw new UsageError('--ingest-ports takes one or more port numbers, comma-separated');
  // The server stores its membership ports (the frontend's minus 300 to 294) as a PostgreSQL smallint.
  if (temporalPort - 294 > 32767 || temporalPort < 1000)
    throw new UsageError('--port takes a port from 1000 to 33061 (its membership ports, 300 below, must stay under 32768)');
  const project = loadProject(io, { config: values.config });
  if (!project) return EXIT.findings;
  const data = join(dataDir(io, values.data), 'cluster');
  const show = (path: string) => relative(io.cwd, path) || '.';
  const address = `127.0.0.1:${temporalPort}`;
  const webUrl = `http://localhost:${uiPort}`;
  // Each worker's fakes take one port per destination (and the built-in webhook), the second set after the first.
  const fakesSpan = project.config.destinations.size + 1;
  const workerCount = 2;

  try {
    for (const tool of Object.values(clusterTools)) tool();
  } catch (error) {
    io.err(`flows cluster: ${(error as Error).message}\n`);
    return EXIT.findings;
  }
  const wanted = [
    ...serverPorts(temporalPort).map((p) => [p, 'the Temporal server', '--port'] as const),
    [uiPort, 'Temporal Web', '--ui-port'] as const,
    ...ingestPorts.map((p) => [p, 'an ingest', '--ingest-ports'] as const),
    [studioPort, 'the studio', '--studio-port'] as const,
    [postgresPort, 'PostgreSQL', '--postgres-port'] as const,
  ];
  for (const [p, what, flag] of wanted)
    if (await portInUse(p)) {
      io.err(
        `flows cluster: port ${p} (${what}) is already in use (another cluster, or npm start?); stop it, or pick another with ${flag}\n`,
      );
      return EXIT.findings;
    }

  // Each piece, once started, adds how to stop it; stopping runs them in reverse (also when starting fails half-way).
  const closers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch((error: Error) => io.err(`flows cluster: ${error.message}\n`));
  };
  // Ctrl-C and SIGTERM while starting stop what has started; once running, they end the wait below.
  // The handlers stay until the cluster has stopped: `npm run cluster` gets a Ctrl-C twice (from
  // the terminal, and forwarded by npm), and a second signal must not kill it half-way.
  let signalled: () => void = () => undefined;
  const signal = new Promise<string>((resolve) => {
    signalled = () => resolve('signal');
    process.on('SIGINT', signalled);
    process.on('SIGTERM', signalled);
  });
  const services: Service[] = [];
  try {
    const started = Date.now();
    io.out(`starting PostgreSQL on 127.0.0.1:${postgresPort} (data in ${show(join(data, 'postgres'))})…\n`);
    const postgres = startPostgres({ dir: join(data, 'postgres'), port: postgresPort, settings: CLUSTER_POSTGRES_SETTINGS });
    closers.push(async () => postgres.stop());
    const db = { host: '127.0.0.1', port: postgresPort, user: 'postgres' };
    io.out(`setting up Temporal's schema (temporal, temporal_visibility) with temporal-sql-tool…\n`);
    await setUpTemporalSchema(db);
    const databaseUrl = await ensureDatabase(postgres.url, 'flowline');

    io.out(`starting the Temporal server on ${address} (log in ${show(join(data, 'logs', 'temporal-server.log'))})…\n`);
    const server = await startTemporalServer({ db, port: temporalPort, logFile: join(data, 'logs', 'temporal-server.log') });
    closers.push(() => server.stop('SIGTERM', 20_000));
    services.push(server);
    await ensureNamespace(address, NAMESPACE);
    await registerSearchAttributesAt(address, NAMESPACE);

    // With a payload key, Temporal Web decrypts through a codec server, as with `npm start`.
    const codec = await listenCodecServer({
      port: 8888,
      host: '127.0.0.1',
      allowOrigins: [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
      allowHosts: allowedHosts(undefined),
    });
    if (codec) closers.push(() => codec.close());
    const web = await startTemporalWeb({
      address,
      port: uiPort,
      logFile: join(data, 'logs', 'temporal-web.log'),
      ...(codec ? { codecEndpoint: codec.endpoint } : {}),
    });
    closers.push(() => web.stop());
    services.push(web);

    // Flowline's processes, as a deployment runs them (docs/deploy.md), all on the PostgreSQL stores.
    const key = process.env.FLOWLINE_INGEST_KEY || 'flowline-dev';
    const secret = process.env.FLOWLINE_INGEST_SECRET || 'flowline-dev';
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      FLOWLINE_DATABASE_URL: databaseUrl,
      FLOWLINE_INGEST_KEY: key,
      FLOWLINE_INGEST_SECRET: secret,
      FLOWLINE_TEMPORAL_WEB: webUrl,
      FLOWLINE_SDK_LOG_LEVEL: process.env.FLOWLINE_SDK_LOG_LEVEL || 'WARN',
    };
    const config = values.config ? ['--config', values.config] : [];
    const flows = (name: string, flowsArgs: string[]) => {
      const service = spawnService({
        name,
        command: process.execPath,
        args: [`${checkoutRoot()}bin/flows.js`, ...flowsArgs, ...config],
        cwd: io.cwd,
        env,
        logFile: join(data, 'logs', `${name}.log`),
        onLine: (line) => io.out(`${name.padEnd(9)}| ${line}\n`),
      });
      services.push(service);
      closers.push(() => service.stop('SIGTERM', 30_000));
      return service;
    };
    const workers = Array.from({ length: workerCount }, (_, i) =>
      flows(`worker-${i + 1}`, [
        'worker',
        '--fake-missing',
        '--fakes-port',
        String(fakesPort + i * fakesSpan),
        '--data',
        join(data, `worker-${i + 1}`),
      ]),
    );
    const ingests = ingestPorts.map((p, i) =>
      flows(`ingest-${i + 1}`, ['ingest', '--port', String(p), '--data', join(data, `ingest-${i + 1}`)]),
    );
    const studio = flows('studio', ['studio', '--port', String(studioPort), '--temporal-web', webUrl, '--data', join(data, 'studio')]);
    // Started together; each says when it is ready. A loaded machine compiles five processes at once.
    const ready = Promise.all([
      ...workers.map((w) => w.ready(/^ready$/, 180_000)),
      ...ingests.map((i) => i.ready(/^ingest listening on /, 180_000)),
      studio.ready(/^Flow Studio on /, 180_000),
    ]);
    ready.catch(() => undefined); // stopped by a signal while starting: the processes' exits reject it unheard
    if ((await Promise.race([ready, signal])) === 'signal') return EXIT.ok;

    const active = project.flows.filter((f) => f.status === 'active').length;
    const callsDir = (i: number) => show(join(data, `worker-${i}`, 'calls'));
    io.out(
      [
        '',
        `Flowline cluster is running (started in ${((Date.now() - started) / 1000).toFixed(0)} s)`,
        `  PostgreSQL       127.0.0.1:${postgresPort}: databases temporal, temporal_visibility (Temporal), flowline (FLOWLINE_DATABASE_URL=${databaseUrl})`,
        `  Temporal server  ${address} (namespace ${NAMESPACE}; frontend, history, matching and worker services; config deploy/cluster/temporal/cluster.yaml)`,
        `  Temporal Web     ${webUrl}`,
        `  Flowline runs    ${webUrl}/namespaces/${NAMESPACE}/workflows?query=${encodeURIComponent('WorkflowType="flowRun"')}`,
        `  Ingest API       ${ingestPorts.map((p) => `http://127.0.0.1:${p}/v2/events`).join(' and ')} (mParticle Events API; Basic auth ${process.env.FLOWLINE_INGEST_KEY ? 'from FLOWLINE_INGEST_KEY/SECRET' : 'flowline-dev:flowline-dev'})`,
        `  Workers          ${workerCount} processes, each polling every task queue`,
        `  Flow Studio      http://127.0.0.1:${studioPort}`,
        `  Flows            ${project.flows.length} from flows/ (${active} active)`,
        `  Payloads         ${codec ? `encrypted (FLOWLINE_PAYLOAD_KEY); Temporal Web decrypts through ${codec.url}` : 'not encrypted (set FLOWLINE_PAYLOAD_KEY to encrypt them in Temporal)'}`,
        `  Logs             ${show(join(data, 'logs'))}/<process>.log`,
        '',
        `Destinations without credentials talk to local fakes, one set per worker (from ports ${workers.map((_, i) => fakesPort + i * fakesSpan).join(' and ')});`,
        `what each received: ${workers.map((_, i) => `${callsDir(i + 1)}/<destination>.jsonl`).join(', ')}`,
        '',
        `Send an event: npx flows send --event point_add --user cust-1001 --attributes '{"points":"150"}' --url http://127.0.0.1:${ingestPorts.at(-1)}`,
        `See runs:     ${temporalPort === 7233 ? '' : `TEMPORAL_ADDRESS=${address} `}npx flows status   (or Temporal Web)`,
        `Start a run:  FLOWLINE_DATABASE_URL=${databaseUrl} npx flows run flows/antavo-points-to-mparticle.yaml --user cust-1001 --event '{"name":"point_add","attributes":{"points":"150"}}'`,
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
    // Until Ctrl-C or SIGTERM, or until a process of the cluster ends by itself (then all of it stops).
    const ended = services.map((s) => s.exited.then((code) => `${s.name} exited (${code})`));
    const why = await Promise.race([signal, ...ended]);
    if (why !== 'signal') {
      const failed = services.find((s) => s.child.exitCode !== null || s.child.signalCode !== null);
      io.err(`flows cluster: ${why}; stopping the cluster${failed ? `\n${failed.tail()}` : ''}\n`);
      return EXIT.findings;
    }
    return EXIT.ok;
  } catch (error) {
    io.err(`flows cluster: ${(error as Error).message}\n`);
    return EXIT.findings;
  } finally {
    io.out('stopping the cluster…\n');
    await stop();
    process.off('SIGINT', signalled);
    process.off('SIGTERM', signalled);
    io.out('Flowline cluster stopped\n');
  }
}
