import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../dsl/load/project.ts';
import { buildIngest, type IngestStats } from '../../ingest/server.ts';
import { json } from '../../destinations/fakes/server.ts';
import { harness, type Harness } from '../helpers/temporal.ts';

/**
 * mParticle's official Python SDK (`pip install mparticle`, 0.16.1) as a second client beside the
 * Node SDK (test/ingest/events-api.e2e.test.ts). `.ci/run` installs it into .tools/python; FLOWLINE_PYTHON names
 * another interpreter that has it. Without one the test is skipped, except in CI, where it fails.
 */
const PYTHON = process.env.FLOWLINE_PYTHON ?? resolve('.tools/python/bin/python');
const available = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import mparticle'], { stdio: 'ignore' }).status === 0;

const KEY = 'py-key';
const SECRET = 'py-secret';
let h: Harness;
let app: ReturnType<typeof buildIngest>['app'];
let stats: IngestStats;
let base: string;
const warnings: string[] = [];

/** Runs Python with the SDK configured for our ingest (asynchronously: the ingest answers it from this process); the script prints one JSON line. */
async function python(script: string): Promise<Record<string, unknown>> {
  const prelude = [
    'import json, sys, mparticle',
    'from mparticle import AppEvent, Batch, ScreenViewEvent, UserIdentities',
    'config = mparticle.Configuration()',
    `config.api_key = ${JSON.stringify(KEY)}`,
    `config.api_secret = ${JSON.stringify(SECRET)}`,
    `config.host = ${JSON.stringify(`${base}/v2`)}`,
    'api = mparticle.EventsApi(config)',
    'def status(call):',
    '    try:',
    '        call()',
    '        return "accepted"',
    '    except mparticle.rest.ApiException as e:',
    '        return e.status',
  ].join('\n');
  const run = await promisify(execFile)(PYTHON, ['-c', `${prelude}\n${script}`], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}

const runIds = async (flow: string, user: string) => {
  const ids: string[] = [];
  for await (const r of h.env.client.workflow.list({ query: `FlowId = '${flow}' AND UserId = '${user}'` })) ids.push(r.workflowId);
  return ids;
};

describe.skipIf(!available && !process.env.CI)("mParticle's official Python SDK, pointed at our ingest", () => {
  beforeAll(async () => {
    if (!available)
      throw new Error(
        `no Python with the mparticle package at ${PYTHON}: run .ci/run, or python3 -m venv .tools/python && .tools/python/bin/pip install mparticle`,
      );
    h = await harness('dev', { destinations: 'fake' });
    const flows = checkProject({}).flows;
    ({ app, stats } = buildIngest({
      client: h.env.client,
      profiles: h.profiles,
      config: h.config,
      flows: () => flows,
      key: KEY,
      secret: SECRET,
    }));
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) =>
      String(chunk).includes('refused as invalid') ? (warnings.push(String(chunk)), true) : write(chunk)) as typeof process.stderr.write;
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it('a batch built as the docs show, without environment, is accepted as production and starts its flow', async () => {
    const out = await python(`
batch = Batch()
batch.user_identities = UserIdentities()
batch.user_identities.customerid = 'py-user'
event = AppEvent('point_add', 'transaction')
event.custom_attributes = {'points': '150'}
batch.events = [event, ScreenViewEvent(screen_name='home')]
print(json.dumps({'environment': api.api_client.sanitize_for_serialization(batch).get('environment'), 'status': status(lambda: api.upload_events(batch))}))`);
    expect(out).toEqual({ environment: null, status: 'accepted' });
    await expect.poll(() => runIds('antavo-points-to-mparticle', 'py-user'), { timeout: 15_000 }).toHaveLength(1);
  });

  it('a pre_attribution event the SDK builds is ignored, and the custom event beside it starts its flow', async () => {
    const before = stats.ignoredEvents;
    const out = await python(`
from mparticle import EventBase, EventData
b = Batch('production')
b.user_identities = UserIdentities()
b.user_identities.customerid = 'py-pre-attribution-user'
pre = EventBase()
pre.event_type = 'pre_attribution'
pre.data = EventData()
event = AppEvent('point_add', 'transaction')
event.custom_attributes = {'points': '150'}
b.events = [pre, event]
print(json.dumps({'status': status(lambda: api.upload_events(b))}))`);
    expect(out).toEqual({ status: 'accepted' });
    expect(stats.ignoredEvents - before).toBe(1);
    await expect.poll(() => runIds('antavo-points-to-mparticle', 'py-pre-attribution-user'), { timeout: 15_000 }).toHaveLength(1);
  });

  it('bulk upload with one invalid batch among valid ones: the SDK hears 202, the valid batches run, the refused one is counted and logged', async () => {
    const before = { refused: stats.refusedBatches, batches: stats.batches };
    const out = await python(`
def batch(user, name):
    b = Batch('production')
    b.user_identities = UserIdentities()
    b.user_identities.customerid = user
    e = AppEvent(name, 'transaction')
    e.custom_attributes = {'points': '200'}
    b.events = [e]
    return b
batches = [batch('py-bulk-1', 'point_add'), batch('py-bulk-bad', 'x' * 300), batch('py-bulk-2', 'point_add')]
print(json.dumps({'status': status(lambda: api.bulk_upload_events(batches))}))`);
    expect(out).toEqual({ status: 'accepted' });
    await expect.poll(() => runIds('antavo-points-to-mparticle', 'py-bulk-1'), { timeout: 15_000 }).toHaveLength(1);
    await expect.poll(() => runIds('antavo-points-to-mparticle', 'py-bulk-2'), { timeout: 15_000 }).toHaveLength(1);
    expect(await h.profiles.get('py-bulk-bad')).toMatchObject({ identities: {} });
    expect(stats.refusedBatches - before.refused).toBe(1);
    expect(stats.batches - before.batches).toBe(2);
    expect(warnings.join('')).toContain('1 of 3 batches refused as invalid, the others handled: batch 1: /events/0/data/event_name');

    // The body names the refused batch for senders that read it.
    const answer = await fetch(`${base}/v2/bulkevents`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { environment: 'staging', user_identities: { customerid: 'py-bulk-3' } },
        { user_identities: { customerid: 'py-bulk-3' } },
      ]),
    });
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({
      refused: [{ index: 0, errors: [expect.objectContaining({ code: 'BAD_REQUEST', path: '/environment' })] }],
    });
    // Every batch invalid: nothing to accept, a 400 naming each field under its batch.
    const none = await fetch(`${base}/v2/bulkevents`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ environment: 'staging' }]),
    });
    expect(none.status).toBe(400);
    expect((await none.json()).errors[0].path).toBe('/0/environment');
  });

  it('users known by email or mpid reach the mParticle destination under their own identity types, never as customerid', async () => {
    const out = await python(`
def batch(setup):
    b = Batch('production')
    setup(b)
    e = AppEvent('point_add', 'transaction')
    e.custom_attributes = {'points': '300'}
    b.events = [e]
    return b
def by_email(b):
    b.user_identities = UserIdentities()
    b.user_identities.email = 'linus@example.com'
def by_mpid(b):
    b.mpid = 8223372036854775807
print(json.dumps({'email': status(lambda: api.upload_events(batch(by_email))), 'mpid': status(lambda: api.upload_events(batch(by_mpid)))}))`);
    expect(out).toEqual({ email: 'accepted', mpid: 'accepted' });
    const mparticle = h.fakes.get('mparticle')!;
    const sent = () => mparticle.received.filter((r) => r.body.includes('"300"'));
    await expect.poll(() => sent().length, { timeout: 30_000 }).toBe(2);
    const byEmail = sent().find((r) => r.body.includes('linus@example.com'))!;
    expect(json(byEmail).user_identities).toEqual({ email: 'linus@example.com' });
    const byMpid = sent().find((r) => r !== byEmail)!;
    expect(json(byMpid).user_identities).toEqual({});
    expect(byMpid.body).toMatch(/^\{"mpid":8223372036854775807,/); // exact, though beyond 2^53
  });

  it("a batch sent twice counts its events once, and the duplicate's apart", async () => {
    const before = { events: stats.events, duplicateEvents: stats.duplicateEvents, duplicateBatches: stats.duplicateBatches };
    const out = await python(`
b = Batch('production')
b.source_request_id = 'py-twice'
b.user_identities = UserIdentities()
b.user_identities.customerid = 'py-twice-user'
b.events = [ScreenViewEvent(screen_name='home'), ScreenViewEvent(screen_name='cart')]
print(json.dumps({'first': status(lambda: api.upload_events(b)), 'second': status(lambda: api.upload_events(b))}))`);
    expect(out).toEqual({ first: 'accepted', second: 'accepted' });
    expect(stats.events - before.events).toBe(2);
    expect(stats.duplicateEvents - before.duplicateEvents).toBe(2);
    expect(stats.duplicateBatches - before.duplicateBatches).toBe(1);
  });
});
