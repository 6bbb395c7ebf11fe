import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { portInUse } from './services.ts';
import { temporalCli } from './tools.ts';

export interface DevServer {
  address: string;
  uiUrl: string;
  dbFile: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The Temporal CLI dev server with its state in a SQLite file under the data folder, so runs
 * survive a restart of `npm start`. Resolves once it accepts connections.
 */
export async function startDevServer(options: {
  dataDir: string;
  port: number;
  uiPort: number;
  codecEndpoint?: string;
}): Promise<DevServer> {
  for (const port of [options.port, options.uiPort]) {
    if (await portInUse(port)) {
      throw new Error(
        `port ${port} is already in use (another Temporal dev server?); stop it, or pick other ports with --port and --ui-port`,
      );
    }
  }
  mkdirSync(options.dataDir, { recursive: true });
  const dbFile = join(options.dataDir, 'temporal.sqlite');
  const child = spawn(
    temporalCli(),
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--ui-port',
      String(options.uiPort),
      '--db-filename',
      dbFile,
      '--log-level',
      'error',
      '--namespace',
      'default',
      ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 60_000;
  while (!(await portInUse(options.port))) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited (${child.exitCode}): ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the Temporal dev server did not open port ${options.port} within 60s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: `http://localhost:${options.uiPort}`,
    dbFile,
    process: child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
