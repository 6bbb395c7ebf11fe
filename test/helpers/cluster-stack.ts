import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDatabase, startPostgres, type LocalPostgres } from '../../dev/postgres.ts';
import { portInUse, spawnService, type Service } from '../../dev/services.ts';
import {
  CLUSTER_POSTGRES_SETTINGS,
  ensureNamespace,
  serverPorts,
  setUpTemporalSchema,
  startTemporalServer,
} from '../../dev/temporal-cluster.ts';
import { checkoutRoot, clusterTools } from '../../dev/tools.ts';
import { registerSearchAttributesAt } from '../../worker/search-attributes.ts';

/** Where each piece of a cluster stack listens. Each worker's `--fakes-port` takes a span of ports from its own. */
interface ClusterPorts {
  temporal: number;
  postgres: number;
  ingests: number[];
  workerFakes: number[];
}

/** The Basic auth both ingests take. */
export const CLUSTER_INGEST_KEY = 'cluster-key';
export const CLUSTER_INGEST_SECRET = 'cluster-secret';

/**
 * The stack `flows cluster` runs (cli/cluster.ts), built from the same pieces but each one
 * stoppable, killable and restartable on its data and ports: `flows cluster` stops everything
 * when one process exits, which is what a fault case must not do. A private PostgreSQL, the
 * Temporal server on it (schema by its SQL tool, 8 history shards), and Flowline's processes on
 * the PostgreSQL stores: two `flows ingest` and two `flows worker --fake-missing`, run in
 * `project` (its flows, and destinations the test points at fakes of its own).
 */
export interface ClusterStack {
  address: string;
  namespace: string;
  databaseUrl: string;
  ports: ClusterPorts;
  /** The process now running as ingest i / worker i (a restart replaces it). */
  ingest(i: number): Service;
  worker(i: number): Service;
  killServer(): Promise<void>;
  startServer(): Promise<void>;
  /** `pg_ctl stop -m fast` / start on the same data folder and port. */
  stopPostgres(): void;
  startPostgres(): void;
  killIngest(i: number): Promise<void>;
  startIngest(i: number): Promise<void>;
  killWorker(i: number): Promise<void>;
  startWorker(i: number): Promise<void>;
  /** The process id of each piece now running, by name (temporal-server, postgres, ingest-1, worker-2, …): what a soak reads memory of. */
  pids(): Record<string, number | undefined>;
  /** Kills every process and stops PostgreSQL (safe after a failure half-way, and twice). */
  close(): Promise<void>;
}

const NAMESPACE = 'default';
const SHARDS = 8;

export async function startClusterStack(options: {
  ports: ClusterPorts;
  /** The project folder the Flowline processes run in. */
  project: string;
  /** Extra environment for the Flowline processes (the destinations' credentials). */
  env?: NodeJS.ProcessEnv;
}): Promise<ClusterStack> {
  const { ports, project } = options;
  for (const tool of Object.values(clusterTools)) tool();
  const wanted = [...serverPorts(ports.temporal), ports.postgres, ...ports.ingests];
  for (const p of wanted) if (await portInUse(p)) throw new Error(`port ${p} is already in use: a cluster stack left over?`);

  const data = mkdtempSync(join(tmpdir(), 'cluster-faults-'));
  chmodSync(data, 0o755); // PostgreSQL runs as its own user (as root: `postgres`), which must reach its data below
  const address = `127.0.0.1:${ports.temporal}`;
  const db = { host: '127.0.0.1', port: ports.postgres, user: 'postgres' };
  const pgDir = join(data, 'postgres');
  const logs = join(data, 'logs');
  let postgres: LocalPostgres | undefined;
  let server: Service | undefined;
  const ingests: Array<Service | undefined> = ports.ingests.map(() => undefined);
  const workers: Array<Service | undefined> = ports.workerFakes.map(() => undefined);
  let databaseUrl = '';

  const startPg = () => {
    postgres = startPostgres({ dir: pgDir, port: ports.postgres, settings: CLUSTER_POSTGRES_SETTINGS });
  };
  const startServer = async () => {
    server = await startTemporalServer({ db, port: ports.temporal, logFile: join(logs, 'temporal-server.log'), shards: SHARDS });
  };
  const flows = (name: string, args: string[], ready: RegExp) => {
    const service = spawnService({
      name,
      command: process.execPath,
      args: [`${checkoutRoot()}bin/flows.js`, ...args],
      cwd: project,
      env: {
        ...process.env,
        ...options.env,
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: NAMESPACE,
        FLOWLINE_DATABASE_URL: databaseUrl,
        FLOWLINE_INGEST_KEY: CLUSTER_INGEST_KEY,
        FLOWLINE_INGEST_SECRET: CLUSTER_INGEST_SECRET,
        FLOWLINE_SDK_LOG_LEVEL: process.env.FLOWLINE_SDK_LOG_LEVEL || 'WARN',
      },
      logFile: join(logs, `${name}.log`),
    });
    return { service, ready: service.ready(ready, 180_000) };
  };
  const ingestProcess = (i: number) =>
    flows(
      `ingest-${i + 1}`,
      ['ingest', '--port', String(ports.ingests[i]), '--data', join(data, `ingest-${i + 1}`)],
      /^ingest listening on /,
    );
  const workerProcess = (i: number) =>
    flows(
      `worker-${i + 1}`,
      ['worker', '--fake-missing', '--fakes-port', String(ports.workerFakes[i]), '--data', join(data, `worker-${i + 1}`)],
      /^ready$/,
    );
  const kill = async (service: Service | undefined) => service?.stop('SIGKILL');

  const stack: ClusterStack = {
    address,
    namespace: NAMESPACE,
    get databaseUrl() {
      return databaseUrl;
    },
    ports,
    ingest: (i) => ingests[i]!,
    worker: (i) => workers[i]!,
    killServer: () => kill(server),
    startServer,
    stopPostgres: () => postgres?.stop(),
    startPostgres: startPg,
    killIngest: (i) => kill(ingests[i]),
    async startIngest(i) {
      const started = ingestProcess(i);
      ingests[i] = started.service;
      await started.ready;
    },
    killWorker: (i) => kill(workers[i]),
    pids() {
      // PostgreSQL's postmaster writes its pid on the first line of postmaster.pid in its data folder.
      const postmaster = (() => {
        try {
          return Number(readFileSync(join(pgDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
        } catch {
          return undefined;
        }
      })();
      const running = (s: Service | undefined) => (s && s.child.exitCode === null && s.child.signalCode === null ? s.child.pid : undefined);
      return {
        'temporal-server': running(server),
        postgres: postmaster,
        ...Object.fromEntries(ingests.map((s, i) => [`ingest-${i + 1}`, running(s)])),
        ...Object.fromEntries(workers.map((s, i) => [`worker-${i + 1}`, running(s)])),
      };
    },
    async startWorker(i) {
      const started = workerProcess(i);
      workers[i] = started.service;
      await started.ready;
    },
    async close() {
      for (const service of [...ingests, ...workers, server]) await kill(service);
      try {
        postgres?.stop();
      } catch {
        // already stopped (a case stopped it and failed before starting it again)
      }
      postgres = undefined;
      rmSync(data, { recursive: true, force: true }); // PostgreSQL's data, ~80 MB
    },
  };

  try {
    startPg();
    await setUpTemporalSchema(db);
    databaseUrl = await ensureDatabase(postgres!.url, 'flowline');
    await startServer();
    await ensureNamespace(address, NAMESPACE);
    await registerSearchAttributesAt(address, NAMESPACE);
    // Started together, as `flows cluster` does: a loaded machine compiles four processes at once.
    const started = [...ports.workerFakes.map((_, i) => workerProcess(i)), ...ports.ingests.map((_, i) => ingestProcess(i))];
    started.forEach(({ service }, i) => {
      if (i < workers.length) workers[i] = service;
      else ingests[i - workers.length] = service;
    });
    await Promise.all(started.map((s) => s.ready));
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}
