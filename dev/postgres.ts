import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

export interface LocalPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  url: string;
  port: number;
  /** True when this call ran initdb (a new, empty cluster). */
  created: boolean;
  stop(): void;
}

/**
 * A private PostgreSQL cluster from Debian's server binaries: initdb into `<dir>/data` the first
 * time, then started on a port of its own on loopback, its socket and log in `dir`. A second start
 * on the same folder reuses the data. PostgreSQL refuses to run as root, so as root it runs as
 * `postgres`. The tests start one per test file in a scratch folder; `flows cluster` keeps one
 * under its data folder.
 */
export function startPostgres(options: { dir: string; port: number; settings?: Record<string, string> }): LocalPostgres {
  const { dir, port } = options;
  const settings = Object.entries(options.settings ?? {})
    .map(([name, value]) => ` -c ${name}=${value}`)
    .join('');
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const asPostgres = (cmd: string, args: string[]) =>
    process.getuid?.() === 0
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
      : execFileSync(cmd, args, { stdio: 'pipe' });
  const bin = (name: string) => `${postgresBin()}/${name}`;
  const created = !existsSync(join(data, 'PG_VERSION'));
  try {
    if (created) asPostgres(bin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    asPostgres(bin('pg_ctl'), [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${settings}`,
      '-l',
      join(dir, 'log'),
      '-w',
      'start',
    ]);
  } catch (error) {
    throw new Error(
      `cannot start PostgreSQL in ${dir} on port ${port} (the postgresql package provides it; its log is ${join(dir, 'log')}): ${(error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message}`,
    );
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    created,
    stop: () => void asPostgres(bin('pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']),
  };
}

/** Debian keeps the server binaries under /usr/lib/postgresql/<version>/bin, off PATH: take the newest. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(`${root}/${v}/bin/initdb`))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: install the postgresql package (.ci/run does)');
  return `${root}/${versions[0]}/bin`;
}

/** Creates database `name` on the server at `url` unless it exists; returns the new database's URL. */
export async function ensureDatabase(url: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // duplicate_database: created meanwhile
      });
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}
