import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildIngest } from '../ingest/server.ts';
import { compile, harness, type Harness } from './helpers/temporal.ts';

let h: Harness;
beforeAll(async () => {
  h = await harness('dev');
}, 180_000);
afterAll(async () => h?.close());

// reentry always: one run per `join`; each listens to `leave` (exit_when) and waits for `confirm`.
const FLOW = `flow: join-then-leave
trigger: { event: join }
entry: { reentry: always }
exit_when:
  - event: leave
steps:
  - wait_for:
      event: confirm
      timeout: 1h
      then:
        - send_event: { destination: mparticle, event: confirmed }
  - wait: 1h
`;

const ROUNDS = 40;

it(`an event sent right after the trigger's 202 reaches the run it started, ${ROUNDS} times out of ${ROUNDS}`, async () => {
  const flow = compile(FLOW, h.config);
  const { app } = buildIngest({ client: h.env.client, profiles: h.profiles, config: h.config, flows: () => [flow], key: 'k', secret: 's' });
  const send = async (user: string, name: string, id: string) => {
    const answer = await app.inject({
      method: 'POST',
      url: '/v2/events',
      headers: { authorization: `Basic ${Buffer.from('k:s').toString('base64')}`, 'content-type': 'application/json', 'x-flowline-report': '1' },
      payload: JSON.stringify({ environment: 'production', user_identities: { customerid: user }, events: [{ event_type: 'custom_event', data: { event_name: name, source_message_id: id } }] }),
    });
    expect(answer.statusCode, answer.body).toBe(202);
    return answer.json().batches[0] as { started: number; signalled: number };
  };
  /** One user: a trigger, at once the awaited event, then (a second run started) `leave` for both runs. */
  const round = async (i: number) => {
    const user = `quick-${i}`;
    expect(await send(user, 'join', `join-${i}`)).toMatchObject({ started: 1 });
    const confirm = await send(user, 'confirm', `confirm-${i}`);
    expect(await send(user, 'join', `join-again-${i}`)).toMatchObject({ started: 1 });
    const leave = await send(user, 'leave', `leave-${i}`);
    return { confirm: confirm.signalled, leave: leave.signalled };
  };
  const results: Array<{ confirm: number; leave: number }> = [];
  for (let lane = 0; lane < ROUNDS; lane += 4) results.push(...(await Promise.all([0, 1, 2, 3].map((k) => round(lane + k)))));
  // Every signal found every run its user had, the moment after the start was accepted.
  expect(results).toEqual(Array.from({ length: ROUNDS }, () => ({ confirm: 1, leave: 2 })));

  // And the runs acted on them: each first run left on `leave`, having taken `confirm` first.
  for (let i = 0; i < ROUNDS; i++) {
    for (const id of [`join-${i}`, `join-again-${i}`]) {
      const result = await h.env.client.workflow.getHandle(`flow/join-then-leave/quick-${i}/${id}`).result();
      expect(result, `quick-${i}/${id}`).toMatchObject({ outcome: 'exited', exitReason: 'exit_when: leave' });
    }
  }
}, 240_000);
