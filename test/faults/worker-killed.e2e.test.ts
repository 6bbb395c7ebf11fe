import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { devServerEnvironment } from '../../dev/test-environments.ts';
import { FileProfileStore } from '../../store/file-store.ts';
import { FAKES } from '../../destinations/fakes/index.ts';
import type { Fake } from '../../destinations/fakes/server.ts';
import { moengageCall, report, retriedAfterTimeout, size, sleep, startRuns, tally, until, windowKeys } from '../helpers/fault-matrix.ts';
import { compile } from '../helpers/temporal.ts';
import { waitForState } from '../helpers/wait-state.ts';
import { moengageAt, scratchProject, startWorkerProcess, type ScratchProject, type FlowsProcess } from '../helpers/flows-process.ts';

let env: TestWorkflowEnvironment;
let moengage: Fake;
let project: ScratchProject;
const workers: FlowsProcess[] = [];
let profiles: FileProfileStore;

beforeAll(async () => {
  profiles = new FileProfileStore(mkdtempSync(join(tmpdir(), 'worker-killed-')));
  env = await devServerEnvironment();
  moengage = await FAKES.moengage();
  project = scratchProject(moengageAt(moengage.url, '2s'));
}, 180_000);
afterAll(async () => {
  for (const w of workers) await w.kill();
  await moengage?.close();
  await env?.teardown();
});
beforeEach(() => moengage.clear());

const worker = async () => {
  const w = await startWorkerProcess(project, env.address);
  workers.push(w);
  return w;
};
/** What MoEngage received, as `<user>/<event>`. */
const arrived = () => moengage.received.map(moengageCall);

const runs = (flowText: string, prefix: string, n: number) =>
  startRuns({ client: env.client, profiles, config: project.config }, compile(flowText, project.config), prefix, n);

it('worker killed mid-step: every call arrives; a second arrival only where the destination acted and the attempt then timed out', async () => {
  const n = size(10, 100);
  const kills = size(1, 3);
  const answerMs = 1_500; // a slow destination, so calls are in flight when the worker dies
  moengage.inject({ delay: answerMs }, n * 2);
  let w = await worker();
  const { users, handles } = await runs(
    `flow: killed-mid-step
trigger: { event: go }
steps:
  - send_event: { destination: moengage, event: first }
  - send_event: { destination: moengage, event: second }
`,
    'mid-step',
    n,
  );
  let inFlightAtKill = 0;
  for (let k = 1; k <= kills; k++) {
    // Kill once part of the calls has reached the destination, while answers are pending.
    expect(await until(() => moengage.received.length >= Math.ceil((k * n * 2) / (kills + 2)), 60_000, 20)).toBe(true);
    const before = moengage.unanswered.length;
    await w.kill();
    await sleep(300); // the fake sees the connections close
    inFlightAtKill += moengage.unanswered.length - before;
    w = await worker();
  }
  await Promise.all(handles.map((h) => h.result()));

  const expected = users.flatMap((u) => [`${u}/first`, `${u}/second`]);
  const result = tally(expected, arrived());
  const window = await windowKeys(users, handles, ['first', 'second']);
  expect(result.lost).toEqual([]);
  expect(result.unexpected).toEqual([]);
  expect(inFlightAtKill).toBeGreaterThan(0); // the kill did land mid-call
  for (const key of result.duplicated) expect(window).toContain(key);
  report(
    'worker-killed-mid-step',
    {
      runs: n,
      expected: expected.length,
      delivered: result.delivered,
      lost: result.lost.length,
      duplicated: result.duplicated.length,
      window: window.size,
    },
    { kills, answerMs, inFlightAtKill, extraArrivals: moengage.received.length - expected.length },
  );
}, 300_000);

it('worker killed mid-wait: every run resumes on a new worker and nothing arrives twice', async () => {
  const n = size(10, 200);
  const waitSeconds = size(5, 30); // long enough for every run to be waiting before the kill
  const w = await worker();
  const { users, handles } = await runs(
    `flow: killed-mid-wait
trigger: { event: go }
steps:
  - send_event: { destination: moengage, event: before }
  - wait: ${waitSeconds}s
  - send_event: { destination: moengage, event: after }
`,
    'mid-wait',
    n,
  );
  for (const handle of handles) await waitForState(handle, (s) => s.waiting !== null); // every run is in its wait
  const allWaiting = Date.now();
  await w.kill();
  await sleep(allWaiting + waitSeconds * 1000 + 1_000 - Date.now()); // the timers fire while no worker is alive
  await worker();
  await Promise.all(handles.map((h) => h.result()));

  const expected = users.flatMap((u) => [`${u}/before`, `${u}/after`]);
  const result = tally(expected, arrived());
  const retried = (await Promise.all(handles.map(retriedAfterTimeout))).flat();
  expect(result).toEqual({ delivered: expected.length, lost: [], duplicated: [], unexpected: [] });
  expect(retried).toEqual([]);
  report(
    'worker-killed-mid-wait',
    { runs: n, expected: expected.length, delivered: result.delivered, lost: 0, duplicated: 0, window: 0 },
    {},
  );
}, 300_000);
