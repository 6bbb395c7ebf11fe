import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const data = mkdtempSync(join(tmpdir(), 'local-stack-'));
const PORT = 17233;
const env = { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${PORT}` };

const children: ChildProcess[] = [];
// A failed assertion must not leave a stack (and its dev server) holding the ports.
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) await stop(child);
});

const STACK_ARGS = [
  'start',
  '--port',
  String(PORT),
  '--ui-port',
  '18233',
  '--ingest-port',
  '18080',
  '--fakes-port',
  '18100',
  '--studio-port',
  '18090',
  '--data',
  data,
];

/**
 * `flows start` on spare ports and a scratch data folder, directly or through `npm start` itself
 * (as a process supervisor runs it: no TTY, signals sent to npm's own pid).
 */
function startStack(via: 'node' | 'npm' = 'node'): Promise<{ child: ChildProcess; output: () => string }> {
  const child =
    via === 'npm'
      ? spawn('npm', ['start', '--', ...STACK_ARGS.slice(1)], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, ['bin/flows.js', ...STACK_ARGS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Ctrl-C stops everything')) {
        clearInterval(timer);
        resolve({ child, output: () => output });
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`flows start exited with ${code}: ${output}`));
    });
  });
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill(signal);
  return new Promise((resolve) => child.once('exit', resolve));
}

const flows = (...args: string[]) =>
  run(process.execPath, ['bin/flows.js', ...args, ...(args[0] === 'run' ? ['--data', data] : [])], { env });

it('npm start brings up the stack, says where each piece is, runs flows, and survives its own restart mid-wait', async () => {
  const first = await startStack();
  expect(first.output()).toContain(`Temporal server  127.0.0.1:${PORT}`);
  expect(first.output()).toContain('Temporal Web     http://localhost:18233');
  expect(first.output()).toMatch(/Flow Studio      http:\/\/127\.0\.0\.1:18090/);
  expect(first.output()).toContain(
    'Flowline runs    http://localhost:18233/namespaces/default/workflows?query=WorkflowType%3D%22flowRun%22',
  );
  expect(first.output()).toContain('!! FAKE DESTINATIONS: 8 destinations talk to local fakes instead of real services');
  expect(first.output()).toMatch(/sailthru +no SAILTHRU_API_KEY, SAILTHRU_API_SECRET +→ http:\/\/127\.0\.0\.1:\d+\/__fake\/calls/);

  const started = await flows(
    'run',
    'flows/antavo-points-to-mparticle.yaml',
    '--user',
    'stack-user',
    '--event',
    '{"name":"point_add","id":"p-1","attributes":{"points":"150"}}',
  );
  expect(started.stdout).toMatch(/^started flow\/antavo-points-to-mparticle\/stack-user\/p-1 /);
  // the same event again starts nothing (reentry: always keys runs by event id)
  const again = await flows(
    'run',
    'flows/antavo-points-to-mparticle.yaml',
    '--user',
    'stack-user',
    '--event',
    '{"name":"point_add","id":"p-1","attributes":{"points":"150"}}',
  ).catch((e) => e);
  expect(again.code).toBe(1);
  expect(again.stdout).toContain('not started: duplicate-event');
  await expect
    .poll(() => readFileSync(join(data, 'calls', 'mparticle.jsonl'), 'utf8'), { timeout: 20_000 })
    .toContain('loyalty_points_added');

  // The ingest API of the stack takes mParticle batches: `flows send` posts one.
  expect(first.output()).toContain('Ingest API       http://127.0.0.1:18080/v2/events');
  const sent = await flows(
    'send',
    '--event',
    'point_add',
    '--user',
    'ingest-user',
    '--attributes',
    '{"points":"300"}',
    '--url',
    'http://127.0.0.1:18080',
  );
  expect(sent.stdout).toMatch(/^202 Accepted/);
  // flows send says what the batch did, and the stack logs one line per batch.
  expect(sent.stdout).toContain('batch user ingest-user: 1 event, 1 started, 0 signalled');
  expect(first.output()).toContain('batch user ingest-user: 1 event, 1 started, 0 signalled');
  await expect.poll(() => readFileSync(join(data, 'calls', 'mparticle.jsonl'), 'utf8'), { timeout: 20_000 }).toContain('ingest-user');
  // An event that starts nothing says why: no flow takes it, or which flow's filter refused it.
  const ingestUrl = ['--url', 'http://127.0.0.1:18080'];
  const unheard = await flows('send', '--event', 'nobody_listens', '--user', 'ingest-user', ...ingestUrl);
  expect(unheard.stdout).toContain("  not started on 'nobody_listens': no flow starts on or waits for this event\n");
  const filtered = await flows('send', '--event', 'sign_up', '--user', 'ingest-user', '--attributes', '{"plan":"free"}', ...ingestUrl);
  expect(filtered.stdout).toContain("  not started on 'sign_up': flow sailthru-welcome-series: the trigger's filter does not hold\n");

  // A run that fails (no email identity for Sailthru) is one log line with its reason, no stack trace.
  await flows(
    'run',
    'flows/sailthru-welcome-series.yaml',
    '--user',
    'no-email-user',
    '--event',
    '{"name":"sign_up","attributes":{"plan":"pro"}}',
  );
  await expect
    .poll(() => first.output(), { timeout: 20_000 })
    .toMatch(/Workflow failed: step welcome-email failed: sailthru: user no-email-user has no email identity/);
  expect(first.output()).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

  // A run waiting in the welcome series when the whole stack stops…
  await flows(
    'run',
    'flows/sailthru-welcome-series.yaml',
    '--user',
    'restart-user',
    '--event',
    '{"name":"sign_up","attributes":{"plan":"pro"}}',
    '--profile',
    '{"identities":{"email":"restart@example.com"}}',
  );
  await expect
    .poll(async () => (await flows('status', '--flow', 'sailthru-welcome-series')).stdout, { timeout: 20_000 })
    .toMatch(/sailthru-welcome-series +restart-user +running +wait 3d \(line \d+\) +wait until/);
  expect(await stop(first.child)).toBe(0);
  expect(first.output()).toContain('Flowline stopped');

  // …is still there, waiting at the same step, when the stack comes back on the same SQLite file,
  // this time through `npm start`, stopped by SIGTERM to npm's own pid.
  const second = await startStack('npm');
  // The fakes keep their ports, so the banner's /__fake/calls URLs stay valid across restarts.
  const fakeUrls = (text: string) => [...text.matchAll(/→ (http:\/\/127\.0\.0\.1:\d+)\/__fake\/calls/g)].map((m) => m[1]);
  expect(fakeUrls(first.output())).toContain('http://127.0.0.1:18100');
  expect(fakeUrls(second.output())).toEqual(fakeUrls(first.output()));
  try {
    const status = await flows('status', '--flow', 'sailthru-welcome-series');
    expect(status.stdout).toMatch(/sailthru-welcome-series +restart-user +running +wait 3d \(line \d+\) +wait until \d{4}-/);
    expect(status.stdout).not.toMatch(/#\d/);
  } finally {
    expect(await stop(second.child, 'SIGTERM')).toBe(0);
  }
  expect(second.output()).toContain('Flowline stopped');
  // Nothing of the stack is left listening: a third start gets the same ports.
  const third = await startStack();
  expect(await stop(third.child)).toBe(0);
}, 180_000);
