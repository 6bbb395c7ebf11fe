import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres as startLocalPostgres } from '../../dev/postgres.ts';

/**
 * A private PostgreSQL cluster for a test file: initdb in a scratch folder, started on a port
 * of its own on loopback (dev/postgres.ts, which `flows cluster` uses too).
 */
export function startPostgres(port: number): { url: string; stop(): void } {
  return startLocalPostgres({ dir: mkdtempSync(join(tmpdir(), 'flowline-pg-')), port });
}
