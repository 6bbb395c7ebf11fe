import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmCodec } from '../../codec/aes-gcm-codec.ts';
import { buildCodecServer } from '../../codec/codec-server.ts';
import { listenCodecServer, type RunningCodecServer } from '../../cli/codec-server.ts';
import { startDevServer } from '../../dev/dev-server.ts';

const TOKEN = 'codec-token-for-tests-0123456789';
const codec = AesGcmCodec.fromSecret('a passphrase only the operators know');
const server = buildCodecServer(codec, { token: TOKEN });
let encrypted: unknown[];

beforeAll(async () => {
  const [payload] = await codec.encode([defaultPayloadConverter.toPayload({ email: 'ada@example.com' })]);
  encrypted = [
    {
      metadata: {
        encoding: Buffer.from(payload!.metadata!.encoding!).toString('base64'),
        'encryption-key-id': Buffer.from(payload!.metadata!['encryption-key-id']!).toString('base64'),
      },
      data: Buffer.from(payload!.data!).toString('base64'),
    },
  ];
});
afterAll(() => server.close());

const decode = (url: string, headers: Record<string, string> = {}) =>
  server.inject({ method: 'POST', url, headers: { host: '127.0.0.1:8888', ...headers }, payload: { payloads: encrypted } });
const plain = (body: { payloads: Array<{ data: string }> }) => Buffer.from(body.payloads[0]!.data, 'base64').toString('utf8');

describe('the codec server decrypts only for Temporal Web with the token', () => {
  it('refuses a call without the token, or with a wrong one, and does not decrypt', async () => {
    for (const response of [
      await decode('/decode'),
      await decode('/wrong-token-0123456789/decode'),
      await decode('/decode', { authorization: 'Bearer nope' }),
    ]) {
      expect(response.statusCode).toBe(401);
      expect(response.body).not.toContain('ada@example.com');
    }
  });

  it('decrypts with the token as the endpoint path (what Temporal Web sends) or as a bearer token', async () => {
    const viaPath = await decode(`/${TOKEN}/decode`, { origin: 'http://localhost:8233' });
    expect(viaPath.statusCode).toBe(200);
    expect(plain(viaPath.json())).toContain('ada@example.com');
    expect(viaPath.headers['access-control-allow-origin']).toBe('http://localhost:8233');
    const viaHeader = await decode('/decode', { authorization: `Bearer ${TOKEN}` });
    expect(plain(viaHeader.json())).toContain('ada@example.com');
  });

  it('refuses a Host that is not loopback (DNS rebinding), even with the token', async () => {
    const response = await decode(`/${TOKEN}/decode`, { host: 'attacker.example:8888' });
    expect(response.statusCode).toBe(403);
    expect(response.body).not.toContain('ada@example.com');
    expect((await decode(`/${TOKEN}/decode`, { host: 'localhost:8888' })).statusCode).toBe(200);
    expect((await decode(`/${TOKEN}/decode`, { host: '[::1]:8888' })).statusCode).toBe(200);
  });

  it('answers CORS only for Temporal Web origins and refuses other browser origins', async () => {
    const preflight = (origin: string) =>
      server.inject({
        method: 'OPTIONS',
        url: `/${TOKEN}/decode`,
        headers: { host: '127.0.0.1:8888', origin, 'access-control-request-method': 'POST' },
      });
    const web = await preflight('http://127.0.0.1:8233');
    expect(web.statusCode).toBe(204);
    expect(web.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8233');
    const evil = await preflight('https://attacker.example');
    expect(evil.statusCode).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect((await decode(`/${TOKEN}/decode`, { origin: 'https://attacker.example' })).statusCode).toBe(403);
  });
});

describe('Temporal Web is handed the token', () => {
  let dev: Awaited<ReturnType<typeof startDevServer>> | undefined;
  let running: RunningCodecServer | undefined;
  const saved = process.env.FLOWLINE_PAYLOAD_KEY;
  afterAll(async () => {
    await dev?.stop();
    await running?.close();
    if (saved === undefined) delete process.env.FLOWLINE_PAYLOAD_KEY;
    else process.env.FLOWLINE_PAYLOAD_KEY = saved;
  });

  it('as `flows start` wires it: the dev server hands Temporal Web an endpoint whose <endpoint>/decode decrypts', async () => {
    process.env.FLOWLINE_PAYLOAD_KEY = 'a passphrase only the operators know';
    const [port, uiPort] = [await freePort(), await freePort()];
    const web = `http://localhost:${uiPort}`;
    running = (await listenCodecServer({ port: 0, host: '127.0.0.1', allowOrigins: [web] }))!;
    dev = await startDevServer({ dataDir: mkdtempSync(join(tmpdir(), 'codec-ui-')), port, uiPort, codecEndpoint: running.endpoint });
    let settings: { Codec?: { Endpoint?: string } } | undefined;
    for (let i = 0; i < 150 && !settings; i++) {
      settings = await fetch(`${dev.uiUrl}/api/v1/settings`).then(
        (r) => (r.ok ? r.json() : undefined),
        () => undefined,
      );
      if (!settings) await new Promise((r) => setTimeout(r, 200));
    }
    const endpoint = settings?.Codec?.Endpoint;
    expect(endpoint).toBe(running.endpoint);
    // What Temporal Web's browser code does: POST `${endpoint}/decode` with its own origin, no other credentials.
    const call = (url: string) =>
      fetch(`${url}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: web },
        body: JSON.stringify({ payloads: encrypted }),
      });
    const decoded = await call(endpoint!);
    expect(decoded.status).toBe(200);
    expect(plain((await decoded.json()) as { payloads: Array<{ data: string }> })).toContain('ada@example.com');
    expect((await call(running.url)).status).toBe(401);
  }, 90_000);
});

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
