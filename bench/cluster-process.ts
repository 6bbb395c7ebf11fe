import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkoutRoot } from '../dev/tools.ts';

/** Ports of the benchmarks' cluster, away from the defaults and the tests' (membership ports, 300 below the frontend, stay under 32768). */
export const BENCH_CLUSTER = { port: 24233, ingests: [24080, 24081], ui: 24333, studio: 24090, postgres: 24433, fakes: 24100 } as const;

export interface BenchCluster {
  address: string;
  ingests: readonly number[];
  /** The flowline database's URL, as the cluster's processes use it. */
  databaseUrl: string;
  startedInSeconds: number;
  shards: string | undefined;
  /** Resident memory (MB) of each Flowline process of the cluster now, by its name (worker-1, ingest-2, …). */
  memory(): Record<string, number>;
  /**
   * CPU seconds used so far by each process of the cluster: the Flowline processes by name, the
   * Temporal server, PostgreSQL (the server and its backends, ended backends not counted). For
   * differences over a phase, on a machine where no other such processes run.
   */
  cpuSeconds(): Record<string, number>;
  stop(): Promise<void>;
}

/**
 * `flows cluster` (what `npm run cluster` runs) on the benchmarks' ports with a fresh data folder,
 * in `cwd` (its flows/ and flows.config.yaml are the cluster's); resolves once its banner is out.
 */
export async function startBenchCluster(cwd = process.cwd()): Promise<BenchCluster> {
  const data = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
  chmodSync(data, 0o755); // PostgreSQL runs as its own user
  const p = BENCH_CLUSTER;
  const cluster = spawn(
    process.execPath,
    [
      `${checkoutRoot()}bin/flows.js`,
      'cluster',
      ...['--port', String(p.port), '--ui-port', String(p.ui), '--ingest-ports', p.ingests.join(',')],
      ...['--studio-port', String(p.studio), '--postgres-port', String(p.postgres), '--fakes-port', String(p.fakes), '--data', data],
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  cluster.stdout.on('data', (c) => (output += c));
  cluster.stderr.on('data', (c) => (output += c));
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => output.includes('Ctrl-C stops everything') && (clearInterval(timer), resolve()), 200);
    cluster.once('exit', (code) => (clearInterval(timer), reject(new Error(`flows cluster exited with ${code}: ${output}`))));
  });
  const shards = /numHistoryShards: \{\{ env "TEMPORAL_NUM_HISTORY_SHARDS" \| default "(\d+)"/.exec(
    readFileSync(`${checkoutRoot()}deploy/cluster/temporal/cluster.yaml`, 'utf8'),
  )?.[1];
  const databaseUrl = /FLOWLINE_DATABASE_URL=(\S+?)\)/.exec(output)?.[1];
  if (!databaseUrl) throw new Error(`no FLOWLINE_DATABASE_URL in the cluster's banner:\n${output}`);
  return {
    address: `127.0.0.1:${p.port}`,
    ingests: p.ingests,
    databaseUrl,
    startedInSeconds: (performance.now() - t0) / 1000,
    shards,
    memory() {
      // Each Flowline process logs to <data>/logs/<name>.log: its name is in its --data folder (worker-1, ingest-2, studio).
      const out: Record<string, number> = {};
      for (const line of execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' }).split('\n')) {
        const m = /^\s*(\d+)\s+.*bin\/flows\.js (worker|ingest|studio)\b.*--data (\S+)/.exec(line);
        if (m && m[3]!.startsWith(data)) out[m[3]!.slice(data.length + 1).replace(/^cluster\//, '')] = Number(m[1]) / 1024;
      }
      return out;
    },
    cpuSeconds() {
      const out: Record<string, number> = {};
      const add = (name: string, seconds: number) => (out[name] = (out[name] ?? 0) + seconds);
      for (const line of execFileSync('ps', ['-eo', 'cputimes=,comm=,args='], { encoding: 'utf8' }).split('\n')) {
        const m = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
        if (!m) continue;
        const [, seconds, comm, args] = m as unknown as [string, string, string, string];
        const flowline = /bin\/flows\.js (worker|ingest|studio)\b.*--data (\S+)/.exec(args);
        if (flowline && flowline[2]!.startsWith(data)) add(flowline[2]!.slice(data.length + 1).replace(/^cluster\//, ''), Number(seconds));
        else if (comm === 'temporal-server' || comm === 'postgres') add(comm, Number(seconds));
      }
      return out;
    },
    async stop() {
      cluster.kill('SIGINT');
      await new Promise((r) => cluster.once('exit', r));
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** The p-th percentile of samples. */
export const percentile = (xs: readonly number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
