import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../dsl/channels.ts';
import { loadSchema } from '../dsl/schema-check.ts';
import { FileProfileStore } from '../profiles/file-store.ts';
import { FileStepLog } from '../profiles/file-step-log.ts';
import { PostgresProfileStore } from '../profiles/postgres-store.ts';
import type { ProfileStore } from '../profiles/store.ts';
import { stateQuery } from '../workflows/messages.ts';
import { configWith } from './helpers/config-with.ts';
import { startPostgres } from './helpers/postgres.ts';
import { compile, harness } from './helpers/temporal.ts';

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

  it('offers exactly the channels send steps send on (dsl/channels.ts)', () => {
    const schema = loadSchema('config') as { $defs: { cap: { properties: { channel: { enum: string[] } } } } };
    expect(schema.$defs.cap.properties.channel.enum).toEqual([...CHANNELS]);
  });
});

describe('two flows racing for a cap of 1 on the real stack', () => {
  const run = async (then: 'skip' | 'wait') => {
    const { config } = configWith(`caps: [ { channel: email, max: 1, per: 1h, then: ${then} } ]`);
    const log = new FileStepLog(mkdtempSync(join(tmpdir(), 'caps-log-')));
    const h = await harness('time-skipping', { config, stepLog: log });
    try {
      const flows = [compile(flowText('race-a'), config), compile(flowText('race-b'), config)];
      // A transactional send of a third flow goes out whatever the cap says, and is not counted.
      const receipt = compile(flowText('race-receipt', '\n    transactional: true'), config);
      const started = await Promise.all([...flows, receipt].map((f) => h.start(f, 'racer', { name: 'go' })));
      const handles = started.map((s) => h.env.client.workflow.getHandle(s.workflowId));
      await Promise.all(handles.map((x) => x.result()));
      const states = await Promise.all(handles.map((x) => x.query(stateQuery)));
      const numbers = await Promise.all(['race-a', 'race-b', 'race-receipt'].map((f) => log.numbers(f)));
      const events = await Promise.all(started.map((s) => log.run(s.workflowId)));
      return { calls: h.calls(), states, numbers, events };
    } finally {
      await h.close();
    }
  };

  it('then: skip — exactly one of the two sends reaches the destination; the other is recorded as capped', async () => {
    const { calls, states, numbers } = await run('skip');
    expect(calls.map((c) => (c.call as { template: string }).template).sort()).toHaveLength(2);
    expect(calls.filter((c) => (c.call as { template: string }).template !== 'race-receipt')).toHaveLength(1);
    const mail = numbers.slice(0, 2).map((n) => n.steps.mail!);
    expect(mail.map((m) => m.sent).sort()).toEqual([0, 1]);
    expect(mail.map((m) => m.capped ?? 0).sort()).toEqual([0, 1]);
    expect(numbers[2]!.steps.mail).toMatchObject({ sent: 1 });
    expect(numbers[2]!.steps.mail!.capped).toBeUndefined();
    const capped = states.find((s) => s.held)!;
    expect(capped.held).toEqual([expect.objectContaining({ step: 'mail', outcome: 'capped', reason: 'email cap 1 per 1h' })]);
  }, 120_000);

  it('then: wait — both sends go out, the second once the hour has passed', async () => {
    const { calls, numbers, events } = await run('wait');
    expect(calls).toHaveLength(3);
    expect(numbers.slice(0, 2).map((n) => n.steps.mail)).toEqual([
      expect.objectContaining({ sent: 1 }),
      expect.objectContaining({ sent: 1 }),
    ]);
    const sentAt = events.slice(0, 2).map((e) => e.find((x) => x.step === 'mail' && x.outcome === 'sent')!.at);
    expect(Math.abs(sentAt[0]! - sentAt[1]!)).toBeGreaterThanOrEqual(HOUR - 1_000);
    expect(
      numbers
        .slice(0, 2)
        .map((n) => n.steps.mail!.delayed ?? 0)
        .sort(),
    ).toEqual([0, 1]);
  }, 120_000);
});
