import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AesGcmCodec, ENCRYPTED_ENCODING } from '../../codec/aes-gcm-codec.ts';
import { dataConverter as encryptingConverter } from '../../codec/data-converter.ts';
import { buildCodecServer } from '../../codec/codec-server.ts';
import { manualEvent } from '../../dsl/language/event.ts';
import { startFlowRun } from '../../ingest/start-run.ts';
import { FileProfileStore } from '../../store/file-store.ts';
import { destinationClients } from '../../worker/destination-clients.ts';
import { installRuntime } from '../../worker/runtime.ts';
import { startWorkers, type RunningWorkers } from '../../worker/start.ts';
import { compile, repoConfig } from '../helpers/temporal.ts';
import { devServerEnvironment } from '../../dev/test-environments.ts';

installRuntime('WARN');
const EMAIL = 'ada.lovelace@analytical-engine.example';
const SECRET = 'a passphrase only the operators know';
const codec = AesGcmCodec.fromSecret(SECRET);
const TOKEN = 'codec-token-for-tests-0123456789';
let env: TestWorkflowEnvironment;
let workers: RunningWorkers;

beforeAll(async () => {
  env = await devServerEnvironment();
}, 180_000);
afterAll(async () => {
  await workers?.shutdown();
  await env?.teardown();
});

const decodeAll = (json: string): string =>
  json.replace(/"data":\s*"([A-Za-z0-9+/=]*)"/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('latin1'));

it('with a key set, stored history holds no plaintext email, and the codec (and codec server) read it back', async () => {
  const config = repoConfig();
  const profiles = new FileProfileStore(mkdtempSync(join(tmpdir(), 'enc-')));
  await profiles.update('enc-user', (p) => {
    p.identities.email = EMAIL;
  });
  const dataConverter = encryptingConverter({ FLOWLINE_PAYLOAD_KEY: SECRET });
  const clients = await destinationClients(config, { mode: 'record' });
  workers = await startWorkers({
    connection: env.nativeConnection,
    namespace: 'default',
    config,
    profiles,
    destinations: clients.clients,
    dataConverter,
  });
  const client = new Client({ connection: env.connection, dataConverter });
  const flow = compile(`flow: encrypted
trigger: { event: sign_up }
steps:
  - set_var: { destination: sailthru, vars: { contact: "{{ profile.identities.email }}" } }
  - check:
      if: { profile.identities.email: { exists: true } }
      then: [ { send_email: { destination: sailthru, template: welcome, vars: { to: "{{ event.attributes.email }}" } } } ]
`);
  const started = await startFlowRun(
    { client, profiles, config },
    flow,
    'enc-user',
    manualEvent({ name: 'sign_up', attributes: { email: EMAIL } }, 'e1', Date.now()),
  );
  const result = await client.workflow.getHandle(started.workflowId).result();
  expect(result.vars).toEqual({ contact: EMAIL }); // decrypted for whoever has the key

  // Read the raw history with a client that has no codec: only ciphertext.
  const raw = historyToJSON(await env.client.workflow.getHandle(started.workflowId).fetchHistory());
  const decoded = decodeAll(raw);
  expect(raw).toContain(Buffer.from(ENCRYPTED_ENCODING).toString('base64'));
  expect(decoded).not.toContain(EMAIL);
  expect(decoded).not.toContain('analytical-engine');

  // The codec server decrypts the same payloads for Temporal Web.
  const history = JSON.parse(raw) as { events: Array<{ workflowExecutionStartedEventAttributes?: { input: { payloads: unknown[] } } }> };
  const input = history.events.find((e) => e.workflowExecutionStartedEventAttributes)!.workflowExecutionStartedEventAttributes!.input
    .payloads;
  const server = buildCodecServer(codec, { token: TOKEN });
  const response = await server.inject({
    method: 'POST',
    url: `/${TOKEN}/decode`,
    headers: { origin: 'http://localhost:8233' },
    payload: { payloads: input },
  });
  expect(response.statusCode).toBe(200);
  expect(response.headers['access-control-allow-origin']).toBe('http://localhost:8233');
  const plain = Buffer.from(response.json().payloads[0].data, 'base64').toString('utf8');
  expect(plain).toContain(EMAIL);
  const wrongKey = buildCodecServer(AesGcmCodec.fromSecret('another key'), { token: TOKEN });
  const refused = await wrongKey.inject({ method: 'POST', url: `/${TOKEN}/decode`, payload: { payloads: input } });
  expect(refused.json().error).toMatch(/encrypted with key \w+, which is not in the key ring: FLOWLINE_PAYLOAD_KEY is key \w+/);
});
