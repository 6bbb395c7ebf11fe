import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private PostgreSQL cluster for a test file: initdb in a scratch folder, started on a port
 * of its own on loopback. PostgreSQL refuses to run as root, so as root it runs as `postgres`.
 */
export function startPostgres(port: number): { url: string; stop(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'flowline-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const asPostgres = (cmd: string, args: string[]) =>
    process.getuid?.() === 0
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
      : execFileSync(cmd, args, { stdio: 'pipe' });
  const bin = (name: string) => `${postgresBin()}/${name}`;
  try {
    asPostgres(bin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    asPostgres(bin('pg_ctl'), [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      '-l',
      join(dir, 'log'),
      '-w',
      'start',
    ]);
  } catch (error) {
    throw new Error(
      `cannot start PostgreSQL for the tests (the postgresql package provides it): ${(error as { stderr?: Buffer }).stderr?.toString() ?? (error as Error).message}`,
    );
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
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
