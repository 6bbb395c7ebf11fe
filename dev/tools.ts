import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The checkout: one folder up from the sources (dev/), two from the shipped CLI (dist/dev/).
const ROOT = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '..' : '../..', import.meta.url));
const INSTALL = 'run `bash scripts/install-temporal.sh` (npm start and npm test do it for you)';

function tool(envVar: string | undefined, local: string, what: string): string {
  const path = envVar || `${ROOT}.tools/bin/${local}`;
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}: ${INSTALL}`);
  return path;
}

/** The Temporal CLI (dev server): TEMPORAL_CLI, else the one scripts/install-temporal.sh built. */
export const temporalCli = (): string => tool(process.env.TEMPORAL_CLI, 'temporal', 'the Temporal CLI');

/** The time-skipping test server launcher. */
export const temporalTestServer = (): string =>
  tool(process.env.TEMPORAL_TEST_SERVER, 'temporal-test-server', 'the Temporal time-skipping test server');

/** The checkout's root folder, with a trailing slash (deploy/, bin/ and .tools/ are under it). */
export const checkoutRoot = (): string => ROOT;

const CLUSTER_INSTALL = 'run `bash scripts/install-temporal.sh cluster` (npm run cluster does it for you)';

function clusterTool(local: string, what: string): string {
  const path = `${ROOT}.tools/${local}`;
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}: ${CLUSTER_INSTALL}`);
  return path;
}

/**
 * The Temporal server (every service), its SQL schema tool, Temporal Web, and the server's SQL
 * schema: for `flows cluster`. Each throws, saying how to install it, when it is missing.
 */
export const clusterTools = {
  server: () => clusterTool('bin/temporal-server', 'the Temporal server'),
  sqlTool: () => clusterTool('bin/temporal-sql-tool', "the Temporal server's SQL tool"),
  uiServer: () => clusterTool('bin/temporal-ui-server', 'Temporal Web (ui-server)'),
  schema: () => clusterTool('temporal-schema/postgresql/v12', "the Temporal server's PostgreSQL schema"),
};
