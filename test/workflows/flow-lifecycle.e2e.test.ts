import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { main } from '../../cli/main.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowIR } from '../../dsl/language/ir.ts';
import { watchFlows, type FlowRegistry } from '../../ingest/flow-registry.ts';
import { runningRunsQuery, watchStops, type FlowStops } from '../../ingest/flow-stops.ts';
import { FileStepLog } from '../../store/file-step-log.ts';
import type { FlowRunResult } from '../../workflows/input.ts';
import { compile, harness, repoConfig, type Harness } from '../helpers/temporal.ts';

/** A scratch repository whose one flow file the test edits, reloaded as `flows ingest` reloads it. */
function scratchProject(flow: string, body: (status: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
  mkdirSync(join(dir, 'flows'));
  copyFileSync('flows.config.yaml', join(dir, 'flows.config.yaml'));
  const write = (status: string) => writeFileSync(join(dir, 'flows', `${flow}.yaml`), body(status));
  write('active');
  return { dir, write };
}

describe('a flow edited to stopped or finishing, on the dev server', () => {
  let h: Harness;
  const log = new FileStepLog(mkdtempSync(join(tmpdir(), 'lifecycle-log-')));
  const lines: string[] = [];
  let registry: FlowRegistry | undefined;
  let stops: FlowStops | undefined;
  beforeAll(async () => {
    h = await harness('dev', { stepLog: log });
  }, 180_000);
  afterAll(async () => {
    registry?.close();
    stops?.close();
    await h?.close();
  });

  /** Loads the project and, on every reload, hands the flows to the stop sweep, as cli/ingest.ts does. */
  const watch = (dir: string) => {
    stops = watchStops({ client: h.env.client, timezone: h.config.timezone, log: (l) => lines.push(l), settleMs: 500 });
    registry = watchFlows({ cwd: dir, onReload: (f) => void stops!.sync(f) });
    return registry;
  };
  const current = (): FlowIR => registry!.current()[0]!;
  const running = async (flow: string) => (await h.env.client.workflow.count(runningRunsQuery(flow))).count;
  /** `flows status --flow X` in the scratch repository, against the test's server. */
  const status = async (dir: string, flow: string) => {
    let out = '';
    const saved = process.env.TEMPORAL_ADDRESS;
    process.env.TEMPORAL_ADDRESS = h.env.address;
    try {
      expect(await main(['status', '--flow', flow], { cwd: dir, out: (t) => (out += t), err: (t) => (out += t) })).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.TEMPORAL_ADDRESS;
      else process.env.TEMPORAL_ADDRESS = saved;
    }
    return out;
  };

  it('stopped: each waiting run leaves at its next step with "flow stopped", and no new run starts', async () => {
    const { dir, write } = scratchProject(
      'stop-me',
      (status) => `flow: stop-me
status: ${status}
trigger: { event: sign_up }
entry: { reentry: always }
steps:
  - id: hour-wait
    wait: 1h
  - id: after-wait
    send_event: { destination: mparticle, event: too_late }
`,
    );
    watch(dir);
    const started = await Promise.all(['u1', 'u2', 'u3'].map((u) => h.start(current(), u, { name: 'sign_up' })));
    expect(started.every((s) => s.started)).toBe(true);
    await expect.poll(() => running('stop-me'), { timeout: 20_000 }).toBe(3);
    expect(await status(dir, 'stop-me')).toMatch(/^FLOW +STATUS +WINDOW +RUNNING\nstop-me +active +3\n/);

    write('stopped');
    await expect.poll(() => current().status, { timeout: 10_000 }).toBe('stopped');
    const results = await Promise.all(started.map((s) => h.env.client.workflow.getHandle(s.workflowId).result() as Promise<FlowRunResult>));
    for (const result of results) expect(result).toMatchObject({ outcome: 'exited', exitReason: 'flow stopped', path: ['hour-wait'] });
    expect(h.calls().filter((c) => c.call.kind === 'send_event')).toHaveLength(0);
    // The step log says why: the wait's `exited` carries the reason.
    const events = await log.run(started[0]!.workflowId);
    expect(events.find((e) => e.step === 'hour-wait' && e.outcome === 'exited')?.message).toBe('flow stopped');
    expect(lines.some((l) => l.startsWith('flow stop-me stopped: 3 running runs told to leave'))).toBe(true);

    const refused = await h.start(current(), 'u4', { name: 'sign_up' });
    expect(refused).toMatchObject({ started: false, reason: 'stopped' });
    await expect.poll(() => running('stop-me'), { timeout: 10_000 }).toBe(0);
    expect(await status(dir, 'stop-me')).toMatch(/^FLOW +STATUS +WINDOW +RUNNING\nstop-me +stopped +0\n/);
  }, 90_000);

  it('finishing: a running run goes on to its end, and a new trigger starts nothing', async () => {
    registry?.close();
    const { dir, write } = scratchProject(
      'finish-me',
      (status) => `flow: finish-me
status: ${status}
trigger: { event: sign_up }
entry: { reentry: always }
steps:
  - id: short-wait
    wait: 5s
  - id: last-send
    send_event: { destination: mparticle, event: finished }
`,
    );
    watch(dir);
    const started = await h.start(current(), 'f1', { name: 'sign_up' });
    expect(started.started).toBe(true);
    write('finishing');
    await expect.poll(() => current().status, { timeout: 10_000 }).toBe('finishing');
    expect(await h.start(current(), 'f2', { name: 'sign_up' })).toMatchObject({ started: false, reason: 'finishing' });
    const result = (await h.env.client.workflow.getHandle(started.workflowId).result()) as FlowRunResult;
    expect(result).toMatchObject({ outcome: 'completed', path: ['short-wait', 'last-send'] });
  }, 60_000);
});

describe('an active window, on the time-skipping server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('time-skipping');
  }, 180_000);
  afterAll(async () => h?.close());

  const zone = repoConfig().timezone;
  const local = (hours: number) => DateTime.now().setZone(zone).plus({ hours }).toFormat("yyyy-MM-dd'T'HH:mm");
  const flow = (active: string) =>
    compile(`flow: windowed
active: ${active}
trigger: { event: sign_up }
entry: { reentry: always }
steps:
  - id: day-wait
    wait: 1d
  - send_event: { destination: mparticle, event: too_late }
`);

  it('until with then: stop ends a waiting run at until, recorded as "flow stopped"', async () => {
    const started = await h.start(flow(`{ until: "${local(2)}", then: stop }`), 'w1', { name: 'sign_up' });
    expect(started.started).toBe(true);
    const handle = h.env.client.workflow.getHandle(started.workflowId);
    const result = (await handle.result()) as FlowRunResult;
    expect(result).toMatchObject({ outcome: 'exited', exitReason: 'flow stopped', path: ['day-wait'] });
    // It left at until (two hours in, the minute cut), not after the day's wait.
    const closed = (await handle.describe()).closeTime!.getTime() - (await handle.describe()).startTime.getTime();
    expect(closed).toBeGreaterThan(60 * 60_000);
    expect(closed).toBeLessThan(3 * 60 * 60_000);
    expect(h.calls()).toHaveLength(0);
  }, 60_000);

  it('nothing enters before from, nor after until (finish or stop)', async () => {
    expect(await h.start(flow(`{ from: "${local(3)}" }`), 'w2', { name: 'sign_up' })).toMatchObject({ reason: 'not-yet-active' });
    expect(await h.start(flow(`{ until: "${local(-1)}" }`), 'w3', { name: 'sign_up' })).toMatchObject({ reason: 'finishing' });
    expect(await h.start(flow(`{ until: "${local(-1)}", then: stop }`), 'w4', { name: 'sign_up' })).toMatchObject({ reason: 'stopped' });
    const open = await h.start(flow(`{ from: "${local(-1)}", until: "${local(48)}" }`), 'w5', { name: 'sign_up' });
    expect(open.started).toBe(true);
    const result = (await h.env.client.workflow.getHandle(open.workflowId).result()) as FlowRunResult;
    expect(result.outcome).toBe('completed'); // then: finish, the default, lets it run its day
  }, 60_000);
});
