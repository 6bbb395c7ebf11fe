import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { checkProject } from '../../dsl/load/project.ts';
import { buildIngest } from '../../ingest/server.ts';
import { json } from '../../destinations/fakes/server.ts';
import { report, size, sleep, tally, until } from '../helpers/fault-matrix.ts';
import { scratchRepo } from '../helpers/scratch-repo.ts';
import { harness, type Harness } from '../helpers/temporal.ts';

let h: Harness;
beforeAll(async () => {
  h = await harness('dev', { destinations: 'fake' });
}, 180_000);
afterAll(async () => h?.close());

async function flows(cwd: string, ...args: string[]) {
  let out = '';
  const code = await main(args, { cwd, out: (t) => (out += t), err: (t) => (out += t) });
  return { code, out };
}

const GOOD_CONFIG =
  'destinations:\n  moengage: { type: moengage, data_center: DC-01, app_id: "${MOENGAGE_APP_ID}", api_key: "${MOENGAGE_API_KEY}" }\n';
const GOOD_FLOW = 'flow: good\ntrigger: { event: go }\nsteps:\n  - send_event: { destination: moengage, event: hello }\n';

/** Mistakes a person makes in a flow file, each with the line the error must point at. */
const BAD_FLOWS: Record<string, [string, number]> = {
  'syntax.yaml': ['flow: syntax\ntrigger: { event: go\nsteps: []\n', 2],
  'unknown-step.yaml': ['flow: unknown-step\ntrigger: { event: go }\nsteps:\n  - send_emial: { destination: moengage, template: x }\n', 4],
  'unknown-destination.yaml': [
    'flow: unknown-destination\ntrigger: { event: go }\nsteps:\n  - send_event: { destination: moengag, event: x }\n',
    4,
  ],
  'bad-duration.yaml': ['flow: bad-duration\ntrigger: { event: go }\nsteps:\n  - wait: 3 days\n', 4],
  'duplicate-key.yaml': ['flow: duplicate-key\ntrigger: { event: go }\ntrigger: { event: again }\nsteps:\n  - exit: true\n', 3],
  'no-trigger.yaml': ['flow: no-trigger\nsteps:\n  - exit: true\n', 1],
};
/** Mistakes in the config, each with its line. */
const BAD_CONFIGS: Record<string, [string, number]> = {
  'unknown type': ['destinations:\n  moengage: { type: moengag, app_id: "${A}", api_key: "${B}" }\n', 2],
  'literal secret': [
    'destinations:\n  moengage:\n    type: moengage\n    data_center: DC-01\n    app_id: "${A}"\n    api_key: sk_live_123456\n',
    6,
  ],
  'bad rate limit': [
    'destinations:\n  moengage:\n    type: moengage\n    data_center: DC-01\n    app_id: "${A}"\n    api_key: "${B}"\n    rate_limit: fast\n',
    7,
  ],
  syntax: ['destinations:\n  moengage: [type: moengage\n', 2],
};

it('malformed flows, configs and event batches: each refused with its place, nothing from them runs, every valid event runs once', async () => {
  // Flows: validate names every bad file at its line; the ingest API refuses to start on them.
  const flowsDir = scratchRepo(GOOD_CONFIG, {
    'good.yaml': GOOD_FLOW,
    ...Object.fromEntries(Object.entries(BAD_FLOWS).map(([f, [text]]) => [f, text])),
  });
  const validated = await flows(flowsDir, 'validate');
  expect(validated.code).toBe(1);
  for (const [file, [, line]] of Object.entries(BAD_FLOWS)) expect(validated.out).toMatch(new RegExp(`flows/${file}:${line}:\\d+`));
  process.env.FLOWLINE_INGEST_KEY = 'k';
  process.env.FLOWLINE_INGEST_SECRET = 's';
  const ingestRefused = await flows(flowsDir, 'ingest', '--port', '18181');
  delete process.env.FLOWLINE_INGEST_KEY;
  delete process.env.FLOWLINE_INGEST_SECRET;
  expect(ingestRefused.code).toBe(1);
  expect(ingestRefused.out).toContain('flows/syntax.yaml:2:10 error YAML syntax: this { is never closed');

  // Configs: validate and the worker name the place; the worker does not start.
  for (const [name, [text, line]] of Object.entries(BAD_CONFIGS)) {
    const dir = scratchRepo(text, { 'good.yaml': GOOD_FLOW });
    const checked = await flows(dir, 'validate');
    expect(checked.code, name).toBe(1);
    expect(checked.out, name).toMatch(new RegExp(`flows\\.config\\.yaml:${line}:\\d+`));
    const worker = await flows(dir, 'worker', '--fake-destinations');
    expect(worker.code, name).toBe(1);
    expect(worker.out, name).toContain('flows.config.yaml');
  }

  // Event batches: malformed ones (a mixed batch too) answered 400 and left undone; valid ones run once each.
  const repo = checkProject({});
  const { app } = buildIngest({
    client: h.env.client,
    profiles: h.profiles,
    config: repo.config,
    flows: () => repo.flows,
    key: 'k',
    secret: 's',
  });
  const post = (payload: string, url = '/v2/events') =>
    app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Basic ${Buffer.from('k:s').toString('base64')}`, 'content-type': 'application/json' },
      payload,
    });
  const event = (name: string, points = '150') => ({
    event_type: 'custom_event',
    data: { event_name: name, custom_event_type: 'transaction', custom_attributes: { points } },
  });
  const valid = (user: string) =>
    JSON.stringify({ environment: 'production', user_identities: { customerid: user }, events: [event('point_add')] });
  const malformed = (user: string): string[] => [
    '{"environment": "production", ',
    JSON.stringify([{ environment: 'production' }]),
    JSON.stringify({ environment: 'staging', user_identities: { customerid: user }, events: [event('point_add')] }),
    JSON.stringify({ environment: 'production', user_identities: { customerid: user }, events: 'point_add' }),
    JSON.stringify({ environment: 'production', user_identities: { customerid: user }, events: [{ data: { event_name: 'point_add' } }] }),
    JSON.stringify({ environment: 'production', user_identities: { customerid: user }, events: [{ event_type: 'teleport', data: {} }] }),
    JSON.stringify({
      environment: 'production',
      user_identities: { customerid: user },
      events: [{ event_type: 'custom_event', data: {} }],
    }),
    JSON.stringify({
      environment: 'production',
      user_identities: { customerid: user },
      events: [event('point_add'), { event_type: 'custom_event', data: {} }],
    }),
  ];
  const rounds = size(3, 30);
  const validUsers: string[] = [];
  let refused = 0;
  let sentMalformed = 0;
  for (let r = 0; r < rounds; r++) {
    for (const [i, body] of malformed(`bad-${r}`).entries()) {
      const answer = await post(body);
      sentMalformed++;
      expect(answer.statusCode, `malformed batch ${i}`).toBe(400);
      expect(answer.json().errors.length, `malformed batch ${i}`).toBeGreaterThan(0);
      refused++;
      const user = `good-${r}-${i}`;
      expect((await post(valid(user))).statusCode).toBe(202);
      validUsers.push(user);
    }
  }
  const mparticle = h.fakes.get('mparticle')!;
  const arrived = () => mparticle.received.map((q) => json<{ user_identities: { customerid: string } }>(q).user_identities!.customerid);
  await until(() => tally(validUsers, arrived()).lost.length === 0, 60_000);
  await sleep(1_000); // anything started from a malformed batch would have called by now
  const result = tally(validUsers, arrived());
  expect(result).toEqual({ delivered: validUsers.length, lost: [], duplicated: [], unexpected: [] });
  expect(await h.profiles.get(`bad-0`)).toMatchObject({ attributes: {}, identities: {} });

  report(
    'malformed-inputs',
    { runs: validUsers.length, expected: validUsers.length, delivered: result.delivered, lost: 0, duplicated: 0, window: 0 },
    { flowFiles: Object.keys(BAD_FLOWS).length, configs: Object.keys(BAD_CONFIGS).length, batches: sentMalformed, refused },
  );
}, 300_000);
