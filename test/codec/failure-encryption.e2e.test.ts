import { Client, WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DestinationError } from '../../destinations/errors.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';

const TOKEN = 'sk-live-4f8a1c2e9b7d6053';
// A destination that echoes the request back in its error text, credential included.
const ECHO = `403 from sailthru: invalid key; request was {"authorization":"Bearer ${TOKEN}"}`;
const saved = process.env.FLOWLINE_PAYLOAD_KEY;
let h: Harness;

beforeAll(async () => {
  process.env.FLOWLINE_PAYLOAD_KEY = 'failure messages are secret too'; // the harness's client and workers read it
  h = await harness('dev');
}, 180_000);
afterAll(async () => {
  await h?.close();
  if (saved === undefined) delete process.env.FLOWLINE_PAYLOAD_KEY;
  else process.env.FLOWLINE_PAYLOAD_KEY = saved;
});

/** Stored history as text, with every base64 `data` field decoded too, so plain text inside payloads shows. */
const readable = (json: string): string =>
  json + json.replace(/"data":\s*"([A-Za-z0-9+/=]*)"/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('latin1'));

it('with a payload key, a failure message echoing a token is stored encrypted; with the codec it reads back', async () => {
  h.recorders.get('sailthru')!.faults.push(new DestinationError(ECHO, false, { status: 403, destination: 'sailthru' }));
  const flow = compile(`flow: echoes-credentials
trigger: { event: sign_up }
steps:
  - send_email: { destination: sailthru, template: welcome }
`);
  const { workflowId } = await h.start(flow, 'failing-user', { name: 'sign_up' });

  // Whoever has the key (Temporal Web through the codec server, the CLI) still reads why the run failed.
  const failure = await h.env.client.workflow
    .getHandle(workflowId)
    .result()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const messages: string[] = [];
  for (let e: unknown = failure; e instanceof Error; e = e.cause) messages.push(e.message);
  expect(messages.join('\n')).toContain(`Bearer ${TOKEN}`);

  // Temporal's stored history, read without the codec: neither the token nor the message is there.
  const raw = historyToJSON(await new Client({ connection: h.env.connection }).workflow.getHandle(workflowId).fetchHistory());
  expect(raw).toContain('activityTaskFailedEventAttributes');
  expect(raw).toContain('workflowExecutionFailedEventAttributes');
  expect(readable(raw)).not.toContain(TOKEN);
  expect(readable(raw)).not.toContain('invalid key');
}, 60_000);
