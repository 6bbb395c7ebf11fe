import { WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FlowsConfig } from '../../dsl/language/config.ts';
import { FileProfileStore } from '../../store/file-store.ts';
import { FAKE_ENV } from '../../destinations/fakes/index.ts';
import { compile, harness, repoConfig, type Harness } from '../helpers/temporal.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository's config with a short request timeout for MoEngage, so a hang is cut quickly. */
function config(): FlowsConfig {
  const c = repoConfig();
  c.destinations.set('moengage', { ...c.destinations.get('moengage')!, timeout: '1s' });
  return c;
}

/** Fails the first profile update after a destination accepted a call: a retry must not call again. */
class FlakyProfiles extends FileProfileStore {
  failNextUpdate = false;
  override async update(...args: Parameters<FileProfileStore['update']>) {
    if (this.failNextUpdate) {
      this.failNextUpdate = false;
      throw new Error('profile store unavailable');
    }
    return super.update(...args);
  }
}

let h: Harness;
const profiles = new FlakyProfiles(mkdtempSync(join(tmpdir(), 'faults-')));
beforeAll(async () => {
  h = await harness('dev', { destinations: 'fake', config: config(), profiles });
}, 180_000);
afterAll(async () => h?.close());
beforeEach(() => h.fakes.forEach((f) => f.clear()));

const moengage = () => h.fakes.get('moengage')!;
const flow = (onError = 'fail') =>
  compile(
    `flow: fault-${onError}
trigger: { event: purchase }
entry: { reentry: always }
steps:
  - send_event: { destination: moengage, event: first }
    on_error: ${onError}
  - send_event: { destination: moengage, event: second }
`,
    config(),
  );
let n = 0;
const run = async (onError?: string) => {
  const started = await h.start(flow(onError), 'fault-user', { name: 'purchase', id: `p-${++n}` });
  return h.env.client.workflow.getHandle(started.workflowId);
};
const events = () => moengage().received.map((r) => JSON.parse(r.body).actions[0].action);

describe('destination faults on a real Temporal server, counted at the fake', () => {
  it('429 with Retry-After waits that long before the retry', async () => {
    moengage().inject({
      status: 429,
      retryAfter: 3,
      body: { status: 'fail', error: { type: 'RateLimitError', message: 'Rate Limits Exceeded' } },
    });
    await (await run()).result();
    const refused = Date.parse(moengage().faulted[0]!.at);
    const retried = Date.parse(moengage().received[0]!.at);
    expect(retried - refused).toBeGreaterThanOrEqual(2_900);
    expect(events()).toEqual(['first', 'second']);
  });

  it('5xx and a timeout are retried until the call succeeds, and it is delivered once', async () => {
    moengage().inject({ status: 503 });
    moengage().inject({ hang: true });
    moengage().inject({ status: 500, body: { status: 'fail', error: { type: 'ServerError', message: 'boom' } } });
    await (await run()).result();
    expect(moengage().faulted).toHaveLength(3);
    expect(events()).toEqual(['first', 'second']);
  });

  it('a connection reset is retried', async () => {
    moengage().inject({ reset: true });
    await (await run()).result();
    expect(events()).toEqual(['first', 'second']);
  });

  it('a 4xx fails the step at once, with the destination message on the run', async () => {
    moengage().inject({
      status: 400,
      body: { status: 'fail', error: { type: 'MissingAttributeError', message: 'customer_id is missing' } },
    });
    const handle = await run('fail');
    const error = await handle.result().catch((e) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(error.cause.message).toContain('400: customer_id is missing (MissingAttributeError)');
    expect(moengage().faulted).toHaveLength(1);
    expect(events()).toEqual([]);
    const described = await handle.describe();
    expect(described.status.name).toBe('FAILED');
  });

  it('five failures in all end the step per its on_error', async () => {
    moengage().inject({ status: 503 }, 5);
    await (await run('continue')).result();
    expect(moengage().faulted).toHaveLength(5);
    expect(events()).toEqual(['second']);
  }, 60_000);

  it('no credential appears in Temporal history, even when calls fail', async () => {
    moengage().inject({
      status: 401,
      body: { status: 'fail', error: { type: 'Authentication required', message: 'App Secret key mismatch' } },
    });
    const handle = await run('continue');
    await handle.result();
    const history = historyToJSON(await handle.fetchHistory());
    const decoded = history.replace(/"data":"([A-Za-z0-9+/=]+)"/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
    expect(decoded).toContain('App Secret key mismatch');
    for (const secret of Object.values(FAKE_ENV)) expect(decoded).not.toContain(secret);
  });

  it('a destination that echoes the request in its error puts no credential into history', async () => {
    const basic = Buffer.from(`${FAKE_ENV.MOENGAGE_APP_ID}:${FAKE_ENV.MOENGAGE_API_KEY}`).toString('base64');
    const echoed = `bad request; you sent Authorization: Basic ${basic} and key ${FAKE_ENV.MOENGAGE_API_KEY}`;
    moengage().inject({
      status: 400,
      body: { status: 'fail', error: { type: 'Echo', message: echoed }, request: { headers: { authorization: `Basic ${basic}` } } },
    });
    const handle = await run('continue');
    await handle.result();
    const history = historyToJSON(await handle.fetchHistory());
    const decoded = history.replace(/"data":"([A-Za-z0-9+/=]+)"/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
    expect(decoded).toContain('bad request; you sent Authorization: Basic [redacted]');
    for (const secret of [basic, FAKE_ENV.MOENGAGE_API_KEY]) expect(decoded).not.toContain(secret);
  });

  it('a retry after the destination accepted the call does not call it again', async () => {
    profiles.failNextUpdate = true;
    const sailthru = h.fakes.get('sailthru')!;
    const started = await h.start(
      compile(
        `flow: once-only
trigger: { event: sign_up }
steps:
  - set_var: { destination: sailthru, vars: { stage: started } }
`,
        config(),
      ),
      'once-user',
      { name: 'sign_up' },
    );
    await h.env.client.workflow.getHandle(started.workflowId).result();
    expect(sailthru.received.filter((r) => r.path === '/user')).toHaveLength(1);
    expect((await profiles.get('once-user')).vars).toEqual({ stage: 'started' });
  });
});
