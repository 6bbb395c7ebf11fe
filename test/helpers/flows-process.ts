import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../dsl/load/config.ts';
import type { FlowsConfig } from '../../dsl/language/config.ts';
import { FAKE_ENV } from '../../destinations/fakes/index.ts';
import { scratchRepo } from './scratch-repo.ts';

const FLOWS_BIN = resolve('bin/flows.js');

export interface ScratchProject {
  dir: string;
  config: FlowsConfig;
}

/**
 * A project folder of its own: `flows.config.yaml` with the given destinations section (pointed
 * at fakes the test owns, through `base_url`), no flows. Workers started in it call those fakes,
 * so the fakes outlive a killed worker and count everything it sent.
 */
export function scratchProject(destinationsYaml: string, extra = ''): ScratchProject {
  const dir = scratchRepo(`timezone: UTC\n${extra}destinations:\n${destinationsYaml}`);
  const loaded = loadConfig(join(dir, 'flows.config.yaml'));
  if (loaded.diagnostics.some((d) => d.severity === 'error'))
    throw new Error(`scratch config does not load: ${JSON.stringify(loaded.diagnostics)}`);
  return { dir, config: loaded.config };
}

/** A `moengage` destination (for scratchProject) at a fake the test owns, slow to give up: many quick retries. */
export const moengageAt = (url: string, timeout: string): string => `  moengage:
    type: moengage
    data_center: DC-01
    app_id: \${MOENGAGE_APP_ID}
    api_key: \${MOENGAGE_API_KEY}
    base_url: ${url}
    timeout: ${timeout}
    retry: { attempts: 20, backoff: 1s }
`;

export interface FlowsProcess {
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no graceful shutdown, whatever was in flight is abandoned. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** A `flows` command in its own process, as a deployment runs it; resolves once it prints `ready`. */
export function startFlowsProcess(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; ready: string }): Promise<FlowsProcess> {
  const child = spawn(process.execPath, [FLOWS_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const ending = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const handle: FlowsProcess = { child, output: () => output, kill: () => ending('SIGKILL'), stop: () => ending('SIGTERM') };
  return new Promise((ready, fail) => {
    const timer = setInterval(() => {
      if (output.includes(options.ready)) {
        clearInterval(timer);
        ready(handle);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      fail(new Error(`flows ${args[0]} exited with ${code}: ${output}`));
    });
  });
}

/** `flows worker` against the scratch project's destinations. */
export const startWorkerProcess = (project: ScratchProject, temporalAddress: string): Promise<FlowsProcess> =>
  startFlowsProcess(['worker', '--data', join(project.dir, '.data')], {
    cwd: project.dir,
    env: { ...FAKE_ENV, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: 'default' },
    ready: 'ready',
  });
