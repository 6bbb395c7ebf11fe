import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toMermaid } from '../../studio/graph/mermaid.ts';
import { FileStepLog } from '../../store/file-step-log.ts';
import { flowGraph } from '../../studio/graph/model.ts';
import type { FlowRunResult } from '../../workflows/input.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';

const flow = () =>
  compile(`flow: failure-branch
trigger: { event: purchase }
entry: { reentry: always }
steps:
  - id: notify
    send_event: { destination: moengage, event: first }
    retry: { attempts: 2, backoff: 1s }
    on_error:
      steps:
        - id: tell-support
          send_event: { destination: moengage, event: notify_failed }
  - id: thank-you
    send_event: { destination: moengage, event: second }
`);

describe('on_error: { steps } against a fake destination on the dev server', () => {
  let h: Harness;
  const log = new FileStepLog(mkdtempSync(join(tmpdir(), 'failure-branch-')));
  beforeAll(async () => {
    h = await harness('dev', { destinations: 'fake', stepLog: log });
  }, 180_000);
  afterAll(async () => h?.close());
  beforeEach(() => h.fakes.forEach((f) => f.clear()));

  const moengage = () => h.fakes.get('moengage')!;
  const sent = () => moengage().received.map((r) => JSON.parse(r.body).actions[0].action as string);
  let n = 0;
  const run = async () => {
    const started = await h.start(flow(), 'branch-user', { name: 'purchase', id: `p-${++n}` });
    const result = (await h.env.client.workflow.getHandle(started.workflowId).result()) as FlowRunResult;
    return { result, events: await log.run(started.workflowId) };
  };

  it('500 on every attempt: after the 2 attempts the branch runs, then the run goes on after the failed step', async () => {
    moengage().inject({ status: 500 }, 2);
    const { result, events } = await run();
    expect(moengage().faulted).toHaveLength(2);
    expect(result).toMatchObject({ outcome: 'completed', path: ['notify', 'tell-support', 'thank-you'] });
    expect(sent()).toEqual(['notify_failed', 'second']);
    // The log records the failure as before, and which way the run went.
    expect(events.some((e) => e.step === 'notify' && e.outcome === 'failed')).toBe(true);
    expect(events.some((e) => e.step === 'notify' && e.outcome === 'branch' && e.branch === 'on_error')).toBe(true);
  }, 60_000);

  it('a 400 is not retried: one attempt, then the branch', async () => {
    moengage().inject({ status: 400, body: { status: 'fail', error: { message: 'bad request' } } }, 1);
    const { result } = await run();
    expect(moengage().faulted).toHaveLength(1);
    expect(result.path).toEqual(['notify', 'tell-support', 'thank-you']);
    expect(sent()).toEqual(['notify_failed', 'second']);
  }, 60_000);

  it('a call that succeeds never takes the branch', async () => {
    const { result } = await run();
    expect(result.path).toEqual(['notify', 'thank-you']);
    expect(sent()).toEqual(['first', 'second']);
  }, 60_000);
});

describe('the graph draws the failure branch', () => {
  it('an "on error" edge from the step to the first failure step, which joins the way on', () => {
    const graph = flowGraph(flow());
    const node = (step: string) => graph.nodes.find((n) => n.step === step)!.id;
    expect(graph.edges).toContainEqual({ from: node('notify'), to: node('tell-support'), label: 'on error', branch: 'on_error' });
    expect(graph.edges).toContainEqual({ from: node('notify'), to: node('thank-you') });
    expect(graph.edges).toContainEqual({ from: node('tell-support'), to: node('thank-you') });
    expect(toMermaid(graph)).toContain(`${node('notify')} -->|"on error"| ${node('tell-support')}`);
  });
});
