import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { flows } from '../helpers/cli.ts';
import { KEY, offlineIngest, SECRET } from '../helpers/ingest.ts';

// The reasons below are decided before Temporal is asked: an ingest whose Temporal is down gives them.
const ingest = offlineIngest();
let env: Record<string, string>;
beforeAll(async () => {
  await ingest.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(ingest.app.server.address() as AddressInfo).port}`;
  env = { FLOWLINE_INGEST_KEY: KEY, FLOWLINE_INGEST_SECRET: SECRET, FLOWLINE_INGEST_URL: url };
});
afterAll(() => ingest.app.close());

it('flows send says an event started nothing because no flow starts on or waits for it', async () => {
  const sent = await flows(env, 'send', '--event', 'nobody_listens', '--user', 'send-user-1');
  expect(sent.code).toBe(0);
  expect(sent.out).toBe(
    [
      '202 Accepted',
      'batch user send-user-1: 1 event, 0 started, 0 signalled, 1 not started (no-flow)',
      "  not started on 'nobody_listens': no flow starts on or waits for this event",
      '',
    ].join('\n'),
  );
});

it('flows send names the flow whose filter refused the event, in the words flows run uses', async () => {
  const sent = await flows(env, 'send', '--event', 'point_add', '--user', 'send-user-2', '--attributes', '{"points":"50"}');
  expect(sent.code).toBe(0);
  expect(sent.out).toContain("  not started on 'point_add': flow antavo-points-to-mparticle: the trigger's filter does not hold\n");
});
