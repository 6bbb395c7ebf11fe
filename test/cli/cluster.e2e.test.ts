import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { portInUse } from '../../dev/services.ts';

/**
 * `flows cluster` (npm run cluster), the production-shaped stack: a private PostgreSQL, the Temporal
 * server on it (schema by its SQL tool, several history shards, SQL visibility), Temporal Web, two
 * ingests, two workers and the studio as processes of their own. Ports of its own, away from the
 * defaults and from the other tests' (start-local-stack takes 17233…18233), in a scratch data folder.
 */
const run = promisify(execFile);
const data = mkdtempSync(join(tmpdir(), 'cluster-'));
chmodSync(data, 0o755); // PostgreSQL runs as its own user (as root: `postgres`), which must reach its data below
const PORT = 27233;
const UI = 28233;
const INGESTS = [28080, 28081];
const STUDIO = 28090;
const POSTGRES = 25433;
const env = { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${PORT}` };
const ARGS = [
  'cluster',
  '--port',
  String(PORT),
  '--ui-port',
  String(UI),
  '--ingest-ports',
  INGESTS.join(','),
  '--studio-port',
  String(STUDIO),
  '--postgres-port',
  String(POSTGRES),
  '--fakes-port',
  '28100',
  '--data',
  data,
];

const children: ChildProcess[] = [];
// A failed assertion must not leave a cluster (and its PostgreSQL) holding the ports.
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) await stop(child, 'SIGTERM');
  rmSync(data, { recursive: true, force: true }); // PostgreSQL's data, ~80 MB
}, 90_000);

/** `flows cluster` directly, or through `npm run cluster` itself (signals then go to npm's own pid, which forwards them). */
function startCluster(via: 'node' | 'npm' = 'node'): Promise<{ child: ChildProcess; output: () => string }> {
  const child =
    via === 'npm'
      ? spawn('npm', ['run', 'cluster', '--', ...ARGS.slice(1)], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, ['bin/flows.js', ...ARGS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
      reject(new Error(`flows cluster exited with ${code}: ${output}`));
    });
  });
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill(signal);
  return new Promise((resolve) => child.once('exit', resolve));
}

const auth = `Basic ${Buffer.from('flowline-dev:flowline-dev').toString('base64')}`;
/** An mParticle Events API batch: one point_add (starts antavo-points-to-mparticle, one mParticle call) and a screen view. */
const batch = (i: number) =>
  JSON.stringify({
    environment: 'production',
    source_request_id: `cluster-batch-${i}`,
    user_identities: { customerid: `cluster-user-${i}` },
    events: [
      {
        event_type: 'custom_event',
        data: { event_name: 'point_add', source_message_id: `pts-${i}`, custom_attributes: { points: '150' } },
      },
      { event_type: 'screen_view', data: { screen_name: 'home' } },
    ],
  });
const post = (port: number, body: string) =>
  fetch(`http://127.0.0.1:${port}/v2/events`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body,
  });

/** The mParticle calls each worker's fakes received, by user. */
function calls(): Array<{ worker: number; user: string }> {
  return [1, 2].flatMap((worker) => {
    const file = join(data, 'cluster', `worker-${worker}`, 'calls', 'mparticle.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const body = JSON.parse((JSON.parse(line) as { body: string }).body) as { user_identities: { customerid: string } };
        return { worker, user: body.user_identities.customerid };
      });
  });
}

const USERS = 40;

it('npm run cluster runs Temporal on PostgreSQL with two ingests and two workers: each batch starts one run, each call is made once, on either worker; Ctrl-C stops it all, and it starts again on its data', async () => {
  const first = await startCluster();
  const banner = first.output();
  expect(banner).toContain(`Temporal server  127.0.0.1:${PORT} (namespace default; frontend, history, matching and worker services`);
  expect(banner).toContain(`Temporal Web     http://localhost:${UI}`);
  expect(banner).toContain(`Ingest API       http://127.0.0.1:${INGESTS[0]}/v2/events and http://127.0.0.1:${INGESTS[1]}/v2/events`);
  expect(banner).toMatch(new RegExp(`PostgreSQL       127\\.0\\.0\\.1:${POSTGRES}: databases temporal, temporal_visibility`));
  // Temporal Web answers, and so does the studio.
  expect((await fetch(`http://127.0.0.1:${UI}/`)).status).toBe(200);
  expect((await fetch(`http://127.0.0.1:${STUDIO}/`)).status).toBe(200);

  // Batches through both ingests, alternately; each batch also retried on the other ingest (as a
  // sender does after a timeout): the retry is recognised there and starts nothing.
  for (let i = 0; i < USERS; i++) {
    const response = await post(INGESTS[i % 2]!, batch(i));
    expect(response.status).toBe(202);
  }
  for (let i = 0; i < USERS; i += 4) expect((await post(INGESTS[(i + 1) % 2]!, batch(i))).status).toBe(202);
  await expect.poll(() => calls().length, { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(USERS);
  await new Promise((r) => setTimeout(r, 1000)); // a duplicate call, if any, would land now
  const made = calls();
  const byUser = new Map<string, number>();
  for (const call of made) byUser.set(call.user, (byUser.get(call.user) ?? 0) + 1);
  expect([...byUser.keys()].sort()).toEqual(Array.from({ length: USERS }, (_, i) => `cluster-user-${i}`).sort());
  expect([...byUser.values()].every((n) => n === 1)).toBe(true);
  // Both workers took runs' calls.
  expect(made.filter((c) => c.worker === 1).length).toBeGreaterThan(0);
  expect(made.filter((c) => c.worker === 2).length).toBeGreaterThan(0);
  // Temporal Web reads them from the cluster (SQL visibility, by Flowline's search attribute).
  const listed = (await (
    await fetch(
      `http://127.0.0.1:${UI}/api/v1/namespaces/default/workflows?query=${encodeURIComponent('FlowId="antavo-points-to-mparticle"')}`,
    )
  ).json()) as { executions?: unknown[] };
  expect(listed.executions?.length).toBeGreaterThanOrEqual(USERS);
  // Each ingest logged its batches.
  expect(first.output()).toMatch(/ingest-1 *\| batch user cluster-user-0: 2 events, 1 started, 0 signalled/);
  expect(first.output()).toMatch(/ingest-2 *\| batch user cluster-user-1: 2 events, 1 started, 0 signalled/);

  // flows send and flows status work against it.
  const sent = await run(process.execPath, [
    'bin/flows.js',
    'send',
    '--event',
    'point_add',
    '--user',
    'cluster-send',
    '--attributes',
    '{"points":"300"}',
    '--url',
    `http://127.0.0.1:${INGESTS[1]}`,
  ]);
  expect(sent.stdout).toContain('batch user cluster-send: 1 event, 1 started, 0 signalled');
  const started = await run(
    process.execPath,
    [
      'bin/flows.js',
      'run',
      'flows/antavo-points-to-mparticle.yaml',
      '--user',
      'cluster-run',
      '--event',
      '{"name":"point_add","id":"r-1","attributes":{"points":"150"}}',
      '--data',
      data,
    ],
    { env },
  );
  expect(started.stdout).toMatch(/^started flow\/antavo-points-to-mparticle\/cluster-run\/r-1 /);
  await expect.poll(() => calls().filter((c) => c.user === 'cluster-run').length, { timeout: 30_000 }).toBe(1);
  await expect
    .poll(
      async () =>
        (await run(process.execPath, ['bin/flows.js', 'status', '--all', '--flow', 'antavo-points-to-mparticle'], { env })).stdout,
      {
        timeout: 30_000,
      },
    )
    .toMatch(/antavo-points-to-mparticle +cluster-send +completed/);

  expect(await stop(first.child)).toBe(0);
  expect(first.output()).toContain('Flowline cluster stopped');
  for (const port of [PORT, UI, ...INGESTS, STUDIO, POSTGRES]) expect(await portInUse(port)).toBe(false);

  // A second start, through `npm run cluster` and stopped by SIGTERM to npm's pid, reuses
  // PostgreSQL's data: the runs of the first are still there.
  const second = await startCluster('npm');
  try {
    const status = await run(
      process.execPath,
      ['bin/flows.js', 'status', '--all', '--flow', 'antavo-points-to-mparticle', '--limit', '100'],
      { env },
    );
    expect(status.stdout).toMatch(/cluster-user-0 +completed/);
  } finally {
    expect(await stop(second.child, 'SIGTERM')).toBe(0);
  }
  expect(second.output()).toContain('Flowline cluster stopped');
}, 300_000);
