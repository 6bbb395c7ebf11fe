import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileStepLog } from '../../store/file-step-log.ts';
import { FLOW_STEP } from '../../store/step-log.ts';
import type { FlowRunResult } from '../../workflows/input.ts';
import { stopSignal } from '../../workflows/messages.ts';
import { moengageBody, until } from '../helpers/fault-matrix.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';

/**
 * A send that goes straight on to a wait, or ends the run, records that wait's entry (or the run's
 * end) with its own `sent`: the run needs no local activity, so its history has no marker, and
 * the log says exactly what the run did, even when an exit is asked for while the send is out.
 */
const dir = mkdtempSync(join(tmpdir(), 'step-events-ahead-'));
let h: Harness;
let log: FileStepLog;
beforeAll(async () => {
  log = new FileStepLog(dir);
  h = await harness('dev', { destinations: 'fake', stepLog: log });
}, 120_000);
afterAll(async () => h?.close());

const FLOW = `flow: ahead
trigger: { event: go }
entry: { reentry: always }
exit_when: [ { event: stop } ]
steps:
  - id: first
    send_event: { destination: moengage, event: first }
  - id: nap
    wait: 2s
  - id: last
    send_event: { destination: moengage, event: last }
`;

const outcomes = async (workflowId: string) => (await log.run(workflowId)).map((e) => `${e.step}/${e.outcome}`).sort();
const markers = async (workflowId: string) =>
  (await h.env.client.workflow.getHandle(workflowId).fetchHistory()).events!.filter((e) => e.markerRecordedEventAttributes).length;
const received = (event: string) => h.fakes.get('moengage')!.received.filter((r) => moengageBody(r).actions![0]!.action === event).length;

it('a run whose sends lead to its wait and its end records every step event without a local activity', async () => {
  const flow = compile(FLOW, h.config);
  const started = await h.start(flow, 'ahead-1', { name: 'go' });
  if (!started.started) throw new Error('not started');
  const result: FlowRunResult = await h.env.client.workflow.getHandle(started.workflowId).result();
  expect(result.outcome).toBe('completed');
  expect(await markers(started.workflowId)).toBe(0);
  expect(await outcomes(started.workflowId)).toEqual(
    [`${FLOW_STEP}/entered`, 'first/entered', 'first/sent', 'nap/entered', 'last/entered', 'last/sent', `${FLOW_STEP}/completed`].sort(),
  );
}, 60_000);

it('an exit asked for while the send before a wait is out leaves at that wait, and the log says so', async () => {
  const flow = compile(FLOW, h.config);
  const before = received('first');
  h.fakes.get('moengage')!.inject({ delay: 1_500 });
  const started = await h.start(flow, 'ahead-2', { name: 'go' });
  if (!started.started) throw new Error('not started');
  expect(await until(() => received('first') > before, 10_000)).toBe(true);
  const handle = h.env.client.workflow.getHandle(started.workflowId);
  await handle.signal(stopSignal, 'stopped in the test');
  const result: FlowRunResult = await handle.result();
  expect(result).toMatchObject({ outcome: 'exited', exitReason: 'stopped in the test' });
  expect(result.path).toEqual(['first', 'nap']);
  expect(await outcomes(started.workflowId)).toEqual(
    [`${FLOW_STEP}/entered`, 'first/entered', 'first/sent', 'nap/entered', 'nap/exited', `${FLOW_STEP}/exited`].sort(),
  );
  expect((await log.numbers('ahead')).steps.nap).toMatchObject({ entered: 2, exited: 1 });
}, 60_000);

it('an exit asked for while the last send is out finds no step left: the run completed, as the log says', async () => {
  const flow = compile(
    FLOW.replace(/ {2}- id: nap\n {4}wait: 2s\n/, '').replace('destination: moengage, event: last', 'destination: mparticle, event: last'),
    h.config,
  );
  const fake = h.fakes.get('mparticle')!;
  const before = fake.received.length;
  fake.inject({ delay: 1_500 }); // the last send is slow
  const started = await h.start(flow, 'ahead-3', { name: 'go' });
  if (!started.started) throw new Error('not started');
  const handle = h.env.client.workflow.getHandle(started.workflowId);
  expect(await until(() => fake.received.length > before, 10_000)).toBe(true);
  await handle.signal(stopSignal, 'too late');
  const result: FlowRunResult = await handle.result();
  expect(result.outcome).toBe('completed');
  expect(result.exitReason).toBeUndefined();
  expect(await outcomes(started.workflowId)).toEqual(
    [`${FLOW_STEP}/entered`, 'first/entered', 'first/sent', 'last/entered', 'last/sent', `${FLOW_STEP}/completed`].sort(),
  );
  expect(await markers(started.workflowId)).toBe(0);
}, 60_000);
