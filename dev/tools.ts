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
