import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIngest } from '../../ingest/server.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';
import { KEY, SECRET, postTo } from '../helpers/ingest.ts';

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

const ROUNDS = 48;

describe('on the dev server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('dev');
  }, 180_000);
  afterAll(async () => h?.close());

  it(`an event right after the trigger (same batch, or the next batch after the 202) reaches the runs started, ${ROUNDS} times out of ${ROUNDS}`, async () => {
    const flow = compile(FLOW, h.config);
    const { app } = buildIngest({
      client: h.env.client,
      profiles: h.profiles,
      config: h.config,
      flows: () => [flow],
      key: KEY,
      secret: SECRET,
    });
    const send = async (user: string, ...events: Array<[name: string, id: string]>) => {
      const answer = await postTo(
        app,
        '/v2/events',
        {
          environment: 'production',
          user_identities: { customerid: user },
          events: events.map(([name, id]) => ({ event_type: 'custom_event', data: { event_name: name, source_message_id: id } })),
        },
        { report: true },
      );
      expect(answer.statusCode, answer.body).toBe(202);
      return answer.json().batches[0] as { started: number; signalled: number };
    };
    /**
     * One user: a trigger and, in the same batch, the awaited event; then a second trigger and, in
     * the next batch, `leave` for both runs.
     */
    const round = async (i: number) => {
      const user = `quick-${i}`;
      const first = await send(user, ['join', `join-${i}`], ['confirm', `confirm-${i}`]);
      expect(first.started).toBe(1);
      expect(await send(user, ['join', `join-again-${i}`])).toMatchObject({ started: 1 });
      const leave = await send(user, ['leave', `leave-${i}`]);
      return { confirm: first.signalled, leave: leave.signalled };
    };
    const results: Array<{ confirm: number; leave: number }> = [];
    for (let lane = 0; lane < ROUNDS; lane += 8) results.push(...(await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((k) => round(lane + k)))));
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
});

describe('on a server whose visibility cannot find the runs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('time-skipping');
  }, 180_000);
  afterAll(async () => h?.close());

  // The time-skipping test server has none of Flowline's search attributes: no list query can
  // name a user's runs there, so only a source consistent with the starts finds them.
  it('signals still reach every run a user has, through the index written at the start', async () => {
    const flow = compile(FLOW, h.config);
    const { app } = buildIngest({
      client: h.env.client,
      profiles: h.profiles,
      config: h.config,
      flows: () => [flow],
      key: KEY,
      secret: SECRET,
      searchAttributes: false,
    });
    const send = async (...events: Array<[name: string, id: string]>) => {
      const answer = await postTo(
        app,
        '/v2/events',
        {
          environment: 'production',
          user_identities: { customerid: 'hidden-user' },
          events: events.map(([name, id]) => ({ event_type: 'custom_event', data: { event_name: name, source_message_id: id } })),
        },
        { report: true },
      );
      expect(answer.statusCode, answer.body).toBe(202);
      return answer.json().batches[0] as { started: number; signalled: number };
    };
    expect(await send(['join', 'j1'], ['confirm', 'c1'])).toMatchObject({ started: 1, signalled: 1 });
    expect(await send(['join', 'j2'])).toMatchObject({ started: 1, signalled: 0 });
    expect(await send(['leave', 'l1'])).toMatchObject({ signalled: 2 });
    for (const id of ['j1', 'j2']) {
      expect(await h.env.client.workflow.getHandle(`flow/join-then-leave/hidden-user/${id}`).result()).toMatchObject({ outcome: 'exited' });
    }
    // Closed runs leave the index when an event finds them closed.
    expect(await send(['leave', 'l2'])).toMatchObject({ signalled: 0 });
    expect(await h.profiles.runningRuns('join-then-leave', 'hidden-user')).toEqual([]);
  }, 120_000);
});
