import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { devServerEnvironment } from '../../dev/test-environments.ts';
import { checkProject } from '../../dsl/load/project.ts';
import { openStepLog } from '../../store/open.ts';
import type { StepLog } from '../../store/step-log.ts';
import type { StudioDeps } from '../../studio/deps.ts';
import { StudioProject } from '../../studio/project.ts';
import { liveHub } from '../../studio/live.ts';
import { buildStudio } from '../../studio/server.ts';

const INTERVAL_MS = 100;

let env: TestWorkflowEnvironment;
let log: StepLog;
/** The real log, every method passed through; only `numbers` is counted: one call is one recomputation of a flow's live numbers. */
function counting(inner: StepLog): { log: StepLog; calls: () => number } {
  let calls = 0;
  const wrapped: StepLog = {
    record: (events) => inner.record(events),
    has: (id, at) => inner.has(id, at),
    numbers: (flowId, options) => {
      calls++;
      return inner.numbers(flowId, options);
    },
    latest: (flowId, step, outcome, options) => inner.latest(flowId, step, outcome, options),
    run: (workflowId, runId) => inner.run(workflowId, runId),
    recordVersion: (ir, at) => inner.recordVersion(ir, at),
    versions: (flowId) => inner.versions(flowId),
    userRuns: (flowId, userId, since) => inner.userRuns(flowId, userId, since),
    recordDecision: (decision) => inner.recordDecision(decision),
    decisions: (flowId) => inner.decisions(flowId),
  };
  return { log: wrapped, calls: () => calls };
}

const apps: FastifyInstance[] = [];
const aborts: AbortController[] = [];
afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  for (const app of apps.splice(0)) await app.close();
});

async function studio(extra: Partial<StudioDeps>): Promise<{ url: string; calls: () => number }> {
  const counted = counting(log);
  const deps: StudioDeps = {
    project: new StudioProject(process.cwd()),
    log: counted.log,
    client: env.client,
    namespace: 'default',
    temporalWeb: 'http://localhost:8233',
    liveIntervalMs: INTERVAL_MS,
    ...extra,
  };
  const app = buildStudio(deps);
  apps.push(app);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, calls: counted.calls };
}

const flowId = () => checkProject().flows[0]!.flow;

interface Stream {
  response: Response;
  abort: AbortController;
  /** The `data:` of every `event: numbers` frame so far. */
  numbers: string[];
  other: string[];
}

async function open(url: string): Promise<Stream> {
  const abort = new AbortController();
  aborts.push(abort);
  const response = await fetch(url, { signal: abort.signal });
  const stream: Stream = { response, abort, numbers: [], other: [] };
  if (response.status === 200) void read(stream);
  return stream;
}

async function read(stream: Stream): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of stream.response.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1] ?? '';
        if (event === 'numbers') stream.numbers.push(data);
        else stream.other.push(frame);
      }
    }
  } catch {
    // Aborted by the test.
  }
}

describe('live numbers streams', () => {
  beforeAll(async () => {
    env = await devServerEnvironment();
    // A real file-backed log in a folder of its own ({}: not PostgreSQL even when FLOWLINE_DATABASE_URL is set).
    log = await openStepLog(mkdtempSync(join(tmpdir(), 'live-streams-')), {});
  }, 60_000);
  afterAll(async () => {
    await env?.teardown();
  });

  it('computes once per interval for many streams of one flow and window, and sends every stream the same frames', async () => {
    const { url, calls } = await studio({ liveStreamsPerClient: 50 });
    const id = flowId();
    const started = Date.now();
    // No window and ?window=7d are the same window: they share one computation.
    const streams = await Promise.all(
      Array.from({ length: 20 }, (_, i) => open(`${url}/api/flows/${id}/live${i % 2 ? '?window=7d' : ''}`)),
    );
    expect(streams.map((s) => s.response.status)).toEqual(streams.map(() => 200));
    expect(streams[0]!.response.headers.get('content-type')).toBe('text/event-stream');
    await sleep(1000);
    for (const s of streams) s.abort.abort();
    const elapsed = Date.now() - started;
    const computed = calls();

    // Today's code computed per stream: 20 times as often.
    expect(computed).toBeGreaterThan(0);
    expect(computed).toBeLessThanOrEqual(1.5 * (elapsed / INTERVAL_MS) + 2);
    for (const s of streams) {
      expect(s.other).toEqual([]);
      expect(s.numbers.length).toBeGreaterThan(0);
    }
    // One computation, one frame: no more distinct frames than computations, and the frames of the
    // intervals when all were open reached every stream, byte for byte.
    const distinct = new Set(streams.flatMap((s) => s.numbers));
    expect(distinct.size).toBeLessThanOrEqual(computed);
    const everywhere = [...distinct].filter((data) => streams.every((s) => s.numbers.includes(data)));
    expect(everywhere.length).toBeGreaterThan(0);
    const last = JSON.parse(everywhere.at(-1)!) as { window: string; version: string };
    expect(last.window).toBe('7d');
  }, 20_000);

  it('answers 429 to the 17th stream of one client, with why, and takes a new one once another closed', async () => {
    const { url } = await studio({});
    const live = `${url}/api/flows/${flowId()}/live`;
    const streams = await Promise.all(Array.from({ length: 16 }, () => open(live)));
    expect(streams.map((s) => s.response.status)).toEqual(streams.map(() => 200));

    const refused = await open(live);
    expect(refused.response.status).toBe(429);
    expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused.response.json()) as { error: string };
    expect(body.error).toContain('16 live streams are already open');
    expect(body.error).toContain('close other studio tabs');

    streams[0]!.abort.abort();
    // The server sees the close a moment later.
    let again = await open(live);
    for (let i = 0; again.response.status !== 200 && i < 50; i++) {
      await sleep(50);
      again = await open(live);
    }
    expect(again.response.status).toBe(200);
    expect((await open(live)).response.status).toBe(429);
  }, 20_000);

  it('answers 503 when the studio holds its most streams in all', async () => {
    const { url } = await studio({ liveStreamsTotal: 2 });
    const live = `${url}/api/flows/${flowId()}/live`;
    expect((await open(live)).response.status).toBe(200);
    expect((await open(`${live}?window=24h`)).response.status).toBe(200);
    const refused = await open(live);
    expect(refused.response.status).toBe(503);
    expect(refused.response.headers.get('retry-after')).toBeTruthy();
    expect(((await refused.response.json()) as { error: string }).error).toContain('live streams');
  }, 20_000);
});

describe('the live hub', () => {
  it('lets a page that joins during the first computation wait for it, and stops computing when the last page leaves', async () => {
    const hub = liveHub(20);
    let calls = 0;
    let answer!: () => void;
    const compute = () => {
      calls++;
      return calls === 1
        ? new Promise<object>((resolve) => (answer = () => resolve({ n: 1 })))
        : Promise.reject(new Error('visibility down'));
    };
    const a: string[] = [];
    const b: string[] = [];
    const leaveA = hub.subscribe('f@1|7d', compute, (frame) => a.push(frame));
    const leaveB = hub.subscribe('f@1|7d', compute, (frame) => b.push(frame));
    expect(calls).toBe(1);
    answer();
    await sleep(5);
    expect(a).toEqual(['event: numbers\ndata: {"n":1}\n\n']);
    expect(b).toEqual(a);
    await sleep(60);
    expect(a.at(-1)).toBe('event: problem\ndata: {"error":"visibility down"}\n\n');
    leaveA();
    leaveB();
    const after = calls;
    await sleep(100);
    expect(calls).toBe(after);
    hub.close();
  });
});
