import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../dsl/language/channels.ts';
import type { FlowsConfig } from '../../dsl/language/config.ts';
import type { RecordedCall } from '../../destinations/recording.ts';
import { loadSchema } from '../../dsl/validate/schema-check.ts';
import { FileProfileStore } from '../../store/file-store.ts';
import { FileStepLog } from '../../store/file-step-log.ts';
import { PostgresProfileStore } from '../../store/postgres-store.ts';
import type { ProfileStore } from '../../store/store.ts';
import { stateQuery } from '../../workflows/messages.ts';
import { configWith } from '../helpers/config-with.ts';
import { activityTimes } from '../helpers/send-times.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { compile, harness } from '../helpers/temporal.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const flowText = (id: string, more = '') => `
flow: ${id}
trigger: { event: go }
entry: { reentry: always }
steps:
  - send_email: { destination: sailthru, template: ${id} }
    id: mail${more}
`;

describe('the cap counter in each store: atomic across store instances, idempotent per send', () => {
  let postgres: ReturnType<typeof startPostgres>;
  const opened: PostgresProfileStore[] = [];
  beforeAll(() => {
    postgres = startPostgres(15533);
  }, 60_000);
  afterAll(async () => {
    for (const s of opened) await s.close();
    postgres?.stop();
  });
  const pg = async () => {
    const s = await PostgresProfileStore.open(postgres.url);
    opened.push(s);
    return s;
  };
  const dir = () => mkdtempSync(join(tmpdir(), 'caps-'));
  // Two instances over one backend stand for two worker processes: only the store's lock orders them.
  const backends: Array<[string, () => Promise<[ProfileStore, ProfileStore]>]> = [
    [
      'file store',
      async () => {
        const shared = dir();
        return [new FileProfileStore(shared), new FileProfileStore(shared)];
      },
    ],
    ['PostgreSQL store', async () => [await pg(), await pg()]],
  ];
  describe.each(backends)('%s', (_name, open) => {
    it('lets exactly one of many simultaneous sends pass a cap of 1, and says when the next may go', async () => {
      const [a, b] = await open();
      const user = `race-${Math.random()}`;
      const at = 1_800_000_000_000;
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          (i % 2 ? a : b).claimSend(user, { id: `flow/f${i}/${user}/run/mail`, channel: 'email', at: at + i }, [{ max: 1, perMs: DAY }]),
        ),
      );
      const allowed = answers.filter((x) => x.allowed);
      expect(allowed).toHaveLength(1);
      const winner = answers.findIndex((x) => x.allowed);
      for (const x of answers.filter((x) => !x.allowed)) expect(x).toEqual({ allowed: false, until: at + winner + DAY, refused: [0] });
      // Another channel has its own count.
      expect(await a.claimSend(user, { id: 'push-1', channel: 'push', at }, [{ max: 1, perMs: DAY }])).toEqual({ allowed: true });
    });

    it('counts a retried claim once, forgets claims past the window, and applies every cap of the channel', async () => {
      const [store] = await open();
      const user = `idem-${Math.random()}`;
      const caps = [
        { max: 2, perMs: 7 * DAY },
        { max: 1, perMs: DAY },
      ];
      const t = 1_800_000_000_000;
      expect(await store.claimSend(user, { id: 'a', channel: 'email', at: t }, caps)).toEqual({ allowed: true });
      expect(await store.claimSend(user, { id: 'a', channel: 'email', at: t + 5 }, caps)).toEqual({ allowed: true }); // an activity retry
      expect(await store.claimSend(user, { id: 'b', channel: 'email', at: t + HOUR }, caps)).toEqual({
        allowed: false,
        until: t + DAY,
        refused: [1],
      });
      expect(await store.claimSend(user, { id: 'b', channel: 'email', at: t + DAY }, caps)).toEqual({ allowed: true });
      expect(await store.claimSend(user, { id: 'c', channel: 'email', at: t + 3 * DAY }, caps)).toEqual({
        allowed: false,
        until: t + 7 * DAY,
        refused: [0],
      });
      expect(await store.claimSend(user, { id: 'c', channel: 'email', at: t + 7 * DAY }, caps)).toEqual({ allowed: true });
    });
  });
});

describe('caps in flows.config.yaml', () => {
  it('reads caps per channel, with skip as the default', () => {
    const { config, diagnostics } = configWith(
      'caps: [ { channel: email, max: 3, per: 7d, then: wait }, { channel: push, max: 1, per: 1d } ]',
    );
    expect(diagnostics).toEqual([]);
    expect(config.guardrails?.caps).toEqual([
      { channel: 'email', max: 3, perMs: 7 * DAY, then: 'wait' },
      { channel: 'push', max: 1, perMs: DAY, then: 'skip' },
    ]);
  });

  it('refuses an unknown channel, naming the one meant, and a malformed window', () => {
    const { diagnostics } = configWith('caps: [ { channel: emial, max: 3, per: 7d }, { channel: sms, max: 0, per: week } ]');
    const line = readFileSync('flows.config.yaml', 'utf8').split('\n').length + 1;
    expect(diagnostics.map((d) => [d.rule, d.line])).toEqual([
      ['unknown-value', line],
      ['invalid-value', line],
      ['duration', line],
    ]);
    expect(diagnostics[0]!.message).toContain('emial');
    expect(diagnostics[0]!.hint).toContain('email');
  });

  it('offers exactly the channels send steps send on (dsl/language/channels.ts)', () => {
    const schema = loadSchema('config') as { $defs: { cap: { properties: { channel: { enum: string[] } } } } };
    expect(schema.$defs.cap.properties.channel.enum).toEqual([...CHANNELS]);
  });
});

describe('two flows racing for a cap of 1 on the real stack', () => {
  const flows = (config: FlowsConfig) => [
    compile(flowText('race-a'), config),
    compile(flowText('race-b'), config),
    // A transactional send of a third flow goes out whatever the cap says, and is not counted.
    compile(flowText('race-receipt', '\n    transactional: true'), config),
  ];
  const template = (c: RecordedCall) => (c.call as { template: string }).template;

  it('then: skip — exactly one of the two sends reaches the destination; the other is recorded as capped', async () => {
    const { config } = configWith('caps: [ { channel: email, max: 1, per: 1h, then: skip } ]');
    const log = new FileStepLog(mkdtempSync(join(tmpdir(), 'caps-log-')));
    const h = await harness('dev', { config, stepLog: log });
    try {
      const started = await Promise.all(flows(config).map((f) => h.start(f, 'racer', { name: 'go' })));
      const handles = started.map((s) => h.env.client.workflow.getHandle(s.workflowId));
      for (const x of handles) expect(await x.result()).toMatchObject({ outcome: 'completed' });
      expect(h.calls().filter((c) => template(c) !== 'race-receipt')).toHaveLength(1);
      expect(h.calls().filter((c) => template(c) === 'race-receipt')).toHaveLength(1);
      const numbers = await Promise.all(['race-a', 'race-b', 'race-receipt'].map((f) => log.numbers(f)));
      const mail = numbers.slice(0, 2).map((n) => n.steps.mail!);
      expect(mail.map((m) => m.sent).sort()).toEqual([0, 1]);
      expect(mail.map((m) => m.capped ?? 0).sort()).toEqual([0, 1]);
      expect(numbers[2]!.steps.mail).toMatchObject({ sent: 1 });
      expect(numbers[2]!.steps.mail!.capped).toBeUndefined();
      const states = await Promise.all(handles.map((x) => x.query(stateQuery)));
      expect(states.filter((s) => s.held).map((s) => s.held)).toEqual([
        [expect.objectContaining({ step: 'mail', outcome: 'capped', reason: 'email cap 1 per 1h' })],
      ]);
    } finally {
      await h.close();
    }
  }, 180_000);

  it('then: wait — both sends go out, the second once the window has passed', async () => {
    const { config } = configWith('caps: [ { channel: email, max: 1, per: 5s, then: wait } ]');
    const h = await harness('dev', { config });
    try {
      const started = await Promise.all(flows(config).map((f) => h.start(f, 'racer', { name: 'go' })));
      const handles = started.map((s) => h.env.client.workflow.getHandle(s.workflowId));
      await Promise.all(handles.map((x) => x.result()));
      expect(h.calls().map(template).sort()).toEqual(['race-a', 'race-b', 'race-receipt']);
      const states = await Promise.all(handles.map((x) => x.query(stateQuery)));
      expect(states.filter((s) => s.held).map((s) => s.held)).toEqual([
        [expect.objectContaining({ step: 'mail', outcome: 'delayed', reason: 'email cap 1 per 5s', until: expect.any(String) })],
      ]);
      // The waiting run sent once the window after the first claim had passed, not before.
      const waited = states.findIndex((s) => s.held);
      const until = Date.parse(states[waited]!.held![0]!.until!);
      const firstClaim = Math.min(...(await Promise.all(handles.slice(0, 2).map((x) => activityTimes(x, 'claimSend')))).flat());
      expect(until - firstClaim).toBeGreaterThan(3_000);
      expect(until - firstClaim).toBeLessThanOrEqual(5_000);
      expect((await activityTimes(handles[waited]!, 'sendEmail'))[0]).toBeGreaterThanOrEqual(until);
    } finally {
      await h.close();
    }
  }, 180_000);
});
