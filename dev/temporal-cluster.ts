import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { portInUse, spawnService, type Service } from './services.ts';
import { checkoutRoot, clusterTools } from './tools.ts';

const run = promisify(execFile);

/** Where the cluster's server reads its PostgreSQL: a private cluster on loopback, user `postgres`, trust authentication. */
export interface ClusterDatabase {
  host: string;
  port: number;
  user: string;
}

/**
 * The cluster's PostgreSQL settings: connections for the server's services and Flowline's pools,
 * and checkpoints spaced as on a write-heavy server. With PostgreSQL's defaults (a checkpoint at
 * ~1 GB of WAL or every 5 minutes) a 100,000-member entry, 63–72 KB of WAL per member,
 * checkpointed 13 times back to back; with these, 3 times (docs/benchmarks.md). A production
 * server sets them from its disk and the recovery time it accepts.
 */
export const CLUSTER_POSTGRES_SETTINGS = { max_connections: '300', max_wal_size: '4GB', checkpoint_timeout: '15min' } as const;

/** The two databases of a Temporal server on SQL: persistence, and visibility (search attributes, List). */
const TEMPORAL_DATABASES = [
  { name: 'temporal', schema: 'temporal' },
  { name: 'temporal_visibility', schema: 'visibility' },
];

/**
 * The Temporal server's schema, set up with its own SQL tool as an operator does: each database
 * created (a no-op when there), its version table (idem), then every versioned update not yet
 * applied. Safe on every start: a cluster started before is brought up to the server's version.
 */
export async function setUpTemporalSchema(db: ClusterDatabase): Promise<void> {
  const sqlTool = clusterTools.sqlTool();
  const schema = clusterTools.schema();
  for (const { name, schema: folder } of TEMPORAL_DATABASES) {
    const tool = (...args: string[]) =>
      run(sqlTool, ['--plugin', 'postgres12', '--ep', db.host, '--port', String(db.port), '--user', db.user, '--db', name, ...args]).catch(
        (error: { stderr?: string; message: string }) => {
          throw new Error(`temporal-sql-tool ${args[0]} on ${name} failed: ${(error.stderr || error.message).trim().slice(-2000)}`);
        },
      );
    await tool('create-database');
    await tool('setup-schema', '-v', '0.0');
    await tool('update-schema', '-d', join(schema, folder, 'versioned'));
  }
}

/** The Temporal server's ports: the frontend's, and the others at fixed offsets (deploy/cluster/temporal/cluster.yaml). */
export const serverPorts = (frontend: number): number[] => [
  frontend,
  frontend + 1,
  frontend + 2,
  frontend + 6,
  frontend + 10,
  frontend + 11,
];

/**
 * The Temporal server with every service in one process, on deploy/cluster/temporal/cluster.yaml
 * (rendered by the server from the environment). Its log goes to `logFile`. Resolves once the
 * frontend answers gRPC.
 */
export async function startTemporalServer(options: {
  db: ClusterDatabase;
  port: number;
  logFile: string;
  shards?: number;
}): Promise<Service> {
  const server = clusterTools.server();
  const configDir = join(checkoutRoot(), 'deploy', 'cluster', 'temporal');
  const service = spawnService({
    name: 'temporal-server',
    command: server,
    args: ['--root', configDir, '--config', '.', '--env', 'cluster', '--allow-no-auth', 'start'],
    cwd: configDir,
    env: {
      ...process.env,
      TEMPORAL_FRONTEND_PORT: String(options.port),
      POSTGRES_SEEDS: options.db.host,
      DB_PORT: String(options.db.port),
      POSTGRES_USER: options.db.user,
      TEMPORAL_DYNAMIC_CONFIG: join(configDir, 'dynamic-config.yaml'),
      ...(options.shards ? { TEMPORAL_NUM_HISTORY_SHARDS: String(options.shards) } : {}),
    },
    logFile: options.logFile,
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (service.child.exitCode !== null) throw new Error(`the Temporal server exited (${service.child.exitCode}): ${service.tail()}`);
    if (await portInUse(options.port)) {
      const answered = await Connection.connect({ address: `127.0.0.1:${options.port}`, connectTimeout: '2s' }).then(
        async (connection) => {
          try {
            await connection.workflowService.getSystemInfo({});
            return true;
          } catch {
            return false;
          } finally {
            await connection.close();
          }
        },
        () => false,
      );
      if (answered) return service;
    }
    if (Date.now() > deadline) {
      await service.stop('SIGKILL');
      throw new Error(`the Temporal server did not answer on port ${options.port} within 120 s: ${service.tail()}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Registers the namespace when the cluster does not have it (a fresh cluster has only
 * temporal-system), then waits until the frontend serves it: a new namespace reaches the
 * services' caches a few seconds after it is registered.
 */
export async function ensureNamespace(address: string, namespace: string, retentionDays = 7): Promise<boolean> {
  const connection = await Connection.connect({ address });
  try {
    let created = false;
    try {
      await connection.workflowService.describeNamespace({ namespace });
    } catch (error) {
      if ((error as { code?: number }).code !== 5) throw error; // NOT_FOUND
      await connection.workflowService
        .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`) })
        .catch((e: { code?: number }) => {
          if (e.code !== 6) throw e; // ALREADY_EXISTS: registered meanwhile
        });
      created = true;
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
        return created;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`namespace ${namespace} was not served within 60 s: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await connection.close();
  }
}

/** Temporal Web (ui-server) on deploy/cluster/temporal-web/cluster.yaml. Resolves once it answers HTTP. */
export async function startTemporalWeb(options: {
  address: string;
  port: number;
  logFile: string;
  codecEndpoint?: string;
}): Promise<Service> {
  const uiServer = clusterTools.uiServer();
  const configDir = join(checkoutRoot(), 'deploy', 'cluster', 'temporal-web');
  const service = spawnService({
    name: 'temporal-web',
    command: uiServer,
    args: ['--root', configDir, '--config', '.', '--env', 'cluster', 'start'],
    cwd: configDir,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: options.address,
      TEMPORAL_UI_PORT: String(options.port),
      ...(options.codecEndpoint ? { TEMPORAL_CODEC_ENDPOINT: options.codecEndpoint } : {}),
    },
    logFile: options.logFile,
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (service.child.exitCode !== null) throw new Error(`Temporal Web exited (${service.child.exitCode}): ${service.tail()}`);
    const ok = await fetch(`http://127.0.0.1:${options.port}/`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return service;
    if (Date.now() > deadline) {
      await service.stop('SIGKILL');
      throw new Error(`Temporal Web did not answer on port ${options.port} within 60 s: ${service.tail()}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
