import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { manualEvent } from '../dsl/event.ts';
import { startFlowRun } from '../ingest/start-run.ts';
import { FileProfileStore } from '../profiles/file-store.ts';
import { installRuntime } from '../worker/runtime.ts';
import { compile, repoConfig } from './helpers/temporal.ts';
import { waitForState } from './helpers/wait-state.ts';
import { devServerEnvironment } from '../dev/test-environments.ts';

installRuntime('WARN');
let env: TestWorkflowEnvironment;
const data = mkdtempSync(join(tmpdir(), 'worker-restart-'));

beforeAll(async () => {
  env = await devServerEnvironment();
}, 180_000);
afterAll(async () => env?.teardown());

/** `flows worker` as a deployment runs it: its own process, fake destinations recording to files. */
function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/flows.js', 'worker', '--fake-destinations', '--data', data], {
    env: { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('ready')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
  });
}

const sentTemplates = (): string[] => {
  const file = join(data, 'calls', 'sailthru.jsonl');
  if (!existsSync(file)) return [];
  // What the fake Sailthru received: form posts whose `json` parameter holds the send.
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(new URLSearchParams(JSON.parse(line).body).get('json')!).template);
};

it('a run waiting when its worker is killed completes on a new worker, and no step runs twice', async () => {
  const flow = compile(`flow: survive-restart
trigger: { event: sign_up }
steps:
  - send_email: { destination: sailthru, template: before-kill }
  - id: nap
    wait: 4s
  - send_email: { destination: sailthru, template: after-restart }
`);
  const first = await startWorker();
  const profiles = new FileProfileStore(join(data, 'profiles'));
  await profiles.update('restart-user', (p) => {
    p.identities.email = 'restart@example.com';
  });
  const outcome = await startFlowRun(
    { client: env.client, profiles, config: repoConfig() },
    flow,
    'restart-user',
    manualEvent({ name: 'sign_up' }, 'e1', Date.now()),
  );
  const handle = env.client.workflow.getHandle(outcome.workflowId);
  await waitForState(handle, (s) => s.step === 'nap' && s.waiting !== null);
  expect(sentTemplates()).toEqual(['before-kill']);

  first.kill('SIGKILL'); // no graceful shutdown: the process is gone mid-wait
  await new Promise((resolve) => first.once('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 5_000)); // the timer fires with no worker alive

  const second = await startWorker();
  try {
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', path: ['#1', 'nap', '#3'] });
    expect(sentTemplates()).toEqual(['before-kill', 'after-restart']);
    const scheduled = (await handle.fetchHistory()).events!.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled).toHaveLength(2);
  } finally {
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
  }
}, 120_000);
