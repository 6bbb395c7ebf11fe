import { createHash, randomBytes, scryptSync } from 'node:crypto';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, describe, expect, it } from 'vitest';
import { AesGcmCodec } from '../../codec/aes-gcm-codec.ts';
import { dataConverter } from '../../codec/data-converter.ts';
import { keyRingFromEnv, PASSPHRASE_KDF } from '../../codec/keys.ts';
import { startWorkers, type RunningWorkers } from '../../worker/start.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';

const PASSPHRASE = 'a passphrase only the operators know';
/** Payloads written by the single-key codec before key rings (its output, kept verbatim). */
const WRITTEN_BEFORE = [
  {
    secret: PASSPHRASE,
    keyId: '7a1ad931',
    data: 'KM1MPfwswPg1d1ukxrq3dECWM67q4yA8AFpXF3zbnNtMekr2u+onJj27NFaADqeCcMzp7DoDT7FguPDbYnrZqbxjoQojzjWZ3hSVrw7IoxPt',
  },
  {
    secret: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
    keyId: '3eb1bd43',
    data: 'ogbMqtWHDZlczUQ4tFTx/teCv9Jd6BoZk92RpmW7vWv2sElv57zFobePDZbHH/dOnPSnrpR9UDiGenRocs80xmb8Fc+MFl15coQIzF3R7rd5',
  },
];
const stored = (keyId: string, data: string): Payload => ({
  metadata: { encoding: Buffer.from('binary/encrypted'), 'encryption-key-id': Buffer.from(keyId) },
  data: Buffer.from(data, 'base64'),
});
const value = async (codec: AesGcmCodec, payload: Payload) => defaultPayloadConverter.fromPayload((await codec.decode([payload]))[0]!);

describe('key ring', () => {
  it('payloads written before key rings still decrypt, with the same secret as current or as an old key', async () => {
    for (const { secret, keyId, data } of WRITTEN_BEFORE) {
      expect(await value(AesGcmCodec.fromSecret(secret), stored(keyId, data))).toEqual({ email: 'ada@example.com' });
      expect(await value(AesGcmCodec.fromSecret(randomBytes(32).toString('hex'), [secret]), stored(keyId, data))).toEqual({
        email: 'ada@example.com',
      });
    }
  });

  it('a passphrase is stretched with scrypt (documented salt and cost), not a bare hash', () => {
    const { salt, N, r, p } = PASSPHRASE_KDF;
    const expected = scryptSync(PASSPHRASE, salt, 32, { N, r, p, maxmem: 64 * 1024 * 1024 });
    expect(AesGcmCodec.fromSecret(PASSPHRASE).keyId).toBe(createHash('sha256').update(expected).digest('hex').slice(0, 8));
    expect(AesGcmCodec.fromSecret(PASSPHRASE).keyId).not.toBe('7a1ad931'); // the SHA-256 derivation of before
  });

  it('the newest key encrypts; a codec without the old key says which key is missing and where to add it', async () => {
    const [a, b] = [randomBytes(32).toString('hex'), randomBytes(32).toString('base64')];
    const underA = await AesGcmCodec.fromSecret(a).encode([defaultPayloadConverter.toPayload('hello')]);
    const rotated = AesGcmCodec.fromSecret(b, [a]);
    expect(await value(rotated, underA[0]!)).toBe('hello');
    const [underB] = await rotated.encode([defaultPayloadConverter.toPayload('again')]);
    expect(Buffer.from(underB!.metadata!['encryption-key-id']!).toString()).toBe(AesGcmCodec.fromSecret(b).keyId);
    await expect(AesGcmCodec.fromSecret(b).decode(underA)).rejects.toThrow(
      new RegExp(`encrypted with key ${AesGcmCodec.fromSecret(a).keyId}, which is not in the key ring.*FLOWLINE_PAYLOAD_KEYS_OLD`),
    );
  });

  it('reads the ring from FLOWLINE_PAYLOAD_KEY and comma-separated FLOWLINE_PAYLOAD_KEYS_OLD', () => {
    const [a, b, c] = [1, 2, 3].map(() => randomBytes(32).toString('hex')) as [string, string, string];
    const ring = keyRingFromEnv({ FLOWLINE_PAYLOAD_KEY: c, FLOWLINE_PAYLOAD_KEYS_OLD: ` ${a}, ${b} ,` })!;
    expect(ring.current.id).toBe(AesGcmCodec.fromSecret(c).keyId);
    expect([...ring.byId.keys()].sort()).toEqual([a, b, c].map((k) => AesGcmCodec.fromSecret(k).keyId).sort());
    expect(() => keyRingFromEnv({ FLOWLINE_PAYLOAD_KEYS_OLD: a })).toThrow(/FLOWLINE_PAYLOAD_KEY is not/);
  });
});

describe('rotation on a real Temporal server', () => {
  const KEY_A = 'the passphrase of last year';
  const KEY_B = randomBytes(32).toString('base64');
  const saved = process.env.FLOWLINE_PAYLOAD_KEY;
  let h: Harness | undefined;
  let rotatedWorkers: RunningWorkers | undefined;
  afterAll(async () => {
    await rotatedWorkers?.shutdown();
    await h?.close();
    if (saved === undefined) delete process.env.FLOWLINE_PAYLOAD_KEY;
    else process.env.FLOWLINE_PAYLOAD_KEY = saved;
  });

  /** Every encryption key id in a run's stored history, by event type, read without any codec. */
  async function keyIdsByEvent(client: Client, workflowId: string): Promise<Array<[string, string]>> {
    const history = JSON.parse(historyToJSON(await client.workflow.getHandle(workflowId).fetchHistory())) as {
      events: Array<Record<string, unknown>>;
    };
    const found: Array<[string, string]> = [];
    const walk = (node: unknown, eventType: string) => {
      if (!node || typeof node !== 'object') return;
      const id = (node as { metadata?: Record<string, string> }).metadata?.['encryption-key-id'];
      if (id) found.push([eventType, Buffer.from(id, 'base64').toString()]);
      for (const child of Object.values(node)) walk(child, eventType);
    };
    for (const event of history.events) walk(event, Object.keys(event).find((k) => k.endsWith('EventAttributes')) ?? '');
    return found;
  }

  it('runs waiting on a timer under key A finish on workers with ring {B, old A}; later payloads are under B', async () => {
    process.env.FLOWLINE_PAYLOAD_KEY = KEY_A; // the harness's client and workers take the key from the environment
    h = await harness('dev');
    const raw = new Client({ connection: h.env.connection }); // no codec: sees what Temporal stores
    const flow = compile(`flow: rotation
trigger: { event: sign_up }
steps:
  - set_var: { destination: sailthru, vars: { before: "{{ event.attributes.plan }}" } }
  - wait: 4s
  - set_var: { destination: sailthru, vars: { after: "{{ event.attributes.plan }}" } }
`);
    const ids = [];
    for (const user of ['rot-1', 'rot-2'])
      ids.push((await h.start(flow, user, { name: 'sign_up', attributes: { plan: 'pro' } })).workflowId);
    const waiting = async (id: string) =>
      (await raw.workflow.getHandle(id).fetchHistory()).events?.some((e) => e.timerStartedEventAttributes);
    for (const id of ids) await expect.poll(() => waiting(id), { timeout: 20_000 }).toBe(true);
    await h.workers.shutdown();

    const ring = dataConverter({ FLOWLINE_PAYLOAD_KEY: KEY_B, FLOWLINE_PAYLOAD_KEYS_OLD: KEY_A })!;
    rotatedWorkers = await startWorkers({
      connection: h.env.nativeConnection,
      namespace: 'default',
      config: h.config,
      profiles: h.profiles,
      destinations: h.destinations,
      dataConverter: ring,
    });
    const client = new Client({ connection: h.env.connection, dataConverter: ring });
    const [a, b] = [AesGcmCodec.fromSecret(KEY_A).keyId, AesGcmCodec.fromSecret(KEY_B).keyId];
    for (const id of ids) {
      const result = await client.workflow.getHandle(id).result();
      expect(result.vars).toEqual({ before: 'pro', after: 'pro' });
      const keyIds = await keyIdsByEvent(raw, id);
      expect(keyIds.find(([type]) => type === 'workflowExecutionStartedEventAttributes')?.[1]).toBe(a);
      expect(keyIds.find(([type]) => type === 'workflowExecutionCompletedEventAttributes')?.[1]).toBe(b);
      expect(new Set(keyIds.map(([, id]) => id))).toEqual(new Set([a, b]));
    }
  }, 60_000);
});
