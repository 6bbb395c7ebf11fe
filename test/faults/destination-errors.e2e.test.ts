import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { FlowsConfig } from '../../dsl/language/config.ts';
import { json, type Fault, type Received } from '../../destinations/fakes/server.ts';
import { moengageCall, report, retriedAfterTimeout, size, startRuns, tally, windowKeys } from '../helpers/fault-matrix.ts';
import { compile, harness, repoConfig, type Harness } from '../helpers/temporal.ts';

/** The repository's config with 1 s request timeouts and quick retries, so faults resolve fast. */
function config(): FlowsConfig {
  const c = repoConfig();
  for (const name of ['moengage', 'customerio'])
    c.destinations.set(name, { ...c.destinations.get(name)!, timeout: '1s', retry: { attempts: 20, backoff: '1s' } });
  return c;
}

let h: Harness;
beforeAll(async () => {
  h = await harness('dev', { destinations: 'fake', config: config() });
}, 180_000);
afterAll(async () => h?.close());
beforeEach(() => h.fakes.forEach((f) => f.clear()));

const fake = (name: string) => h.fakes.get(name)!;
const customerioKey = (r: Received) => `${decodeURIComponent(/customers\/([^/]+)\/events/.exec(r.path)![1]!)}/${json(r).name}`;

async function runAll(flowText: string, prefix: string, n: number) {
  const started = await startRuns(
    { client: h.env.client, profiles: h.profiles, config: h.config, searchAttributes: true },
    compile(flowText, h.config),
    prefix,
    n,
  );
  await Promise.all(started.handles.map((handle) => handle.result()));
  return started;
}

it('429 (Retry-After), 500, 503, connection resets and timeouts before acting: every call arrives exactly once', async () => {
  const n = size(10, 200);
  const kinds: Array<[string, Fault]> = [
    ['429', { status: 429, retryAfter: 1, body: { status: 'fail', error: { type: 'RateLimitError', message: 'Rate Limits Exceeded' } } }],
    ['500', { status: 500, body: { status: 'fail', error: { type: 'ServerError', message: 'boom' } } }],
    ['503', { status: 503 }],
    ['reset', { reset: true }],
    ['timeout', { hang: true }],
  ];
  // Faults answer the next requests in turn: one call in two meets at least one.
  for (let i = 0; i < n; i++) fake('moengage').inject(kinds[i % kinds.length]![1]);
  const { users, handles } = await runAll(
    `flow: destination-errors
trigger: { event: go }
steps:
  - send_event: { destination: moengage, event: first }
  - send_event: { destination: moengage, event: second }
`,
    'errors',
    n,
  );
  const expected = users.flatMap((u) => [`${u}/first`, `${u}/second`]);
  const result = tally(expected, fake('moengage').received.map(moengageCall));
  expect(fake('moengage').faulted).toHaveLength(n);
  expect(result).toEqual({ delivered: expected.length, lost: [], duplicated: [], unexpected: [] });
  expect(fake('moengage').unanswered).toEqual([]);
  const window = (await Promise.all(handles.map(retriedAfterTimeout))).flat();
  report(
    'destination-errors-before-acting',
    { runs: n, expected: expected.length, delivered: result.delivered, lost: 0, duplicated: 0, window: 0 },
    { faulted: fake('moengage').faulted.length, kinds: kinds.map(([k]) => k), retriedAfterTimeout: window.length },
  );
}, 300_000);

it('a timeout after the destination acted is the at-least-once window: counted, and absorbed where the API takes an idempotency key', async () => {
  const n = size(10, 200);
  const late = size(4, 40);
  // The destination acts, then answers after 3 s: past the 1 s timeout, so the attempt fails and is retried.
  fake('moengage').inject({ delay: 3_000 }, late);
  fake('customerio').inject({ delay: 3_000 }, late);
  const { users, handles } = await runAll(
    `flow: acted-then-timed-out
trigger: { event: go }
steps:
  - send_event: { destination: moengage, event: first }
  - send_event: { destination: customerio, event: second }
`,
    'late',
    n,
  );
  const moengage = tally(
    users.map((u) => `${u}/first`),
    fake('moengage').received.map(moengageCall),
  );
  const customerio = tally(
    users.map((u) => `${u}/second`),
    fake('customerio').received.map(customerioKey),
  );
  const window = await windowKeys(users, handles, ['first', 'second']);
  // Customer.io de-duplicates events by their `id`; a retry carries the same one.
  const ids = fake('customerio').received.map((r) => json(r).id as string);
  const distinctIds = new Set(ids).size;

  expect(moengage.lost).toEqual([]);
  expect(customerio.lost).toEqual([]);
  expect(fake('moengage').unanswered).toHaveLength(late);
  expect(fake('customerio').unanswered).toHaveLength(late);
  expect(moengage.duplicated).toHaveLength(late);
  for (const key of [...moengage.duplicated, ...customerio.duplicated]) expect(window).toContain(key);
  expect(distinctIds).toBe(n); // every Customer.io event once, as the destination counts them
  report(
    'destination-timeout-after-acting',
    {
      runs: n,
      expected: 2 * n,
      delivered: moengage.delivered + customerio.delivered,
      lost: 0,
      duplicated: moengage.duplicated.length + customerio.duplicated.length,
      window: window.size,
    },
    {
      late,
      moengageTwice: moengage.duplicated.length,
      customerioTwice: customerio.duplicated.length,
      customerioIgnoredByDestination: ids.length - distinctIds,
    },
  );
}, 300_000);
