import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from '../../destinations/clients.ts';
import { DestinationError } from '../../destinations/errors.ts';
import { check, exchange, MAX_ERROR_BODY_BYTES, MAX_SUCCESS_BODY_BYTES } from '../../destinations/http.ts';
import type { DestinationConfig } from '../../dsl/language/config.ts';

const HOUR_MS = 60 * 60 * 1000;
const TIMEOUT_MS = 4000;

// A destination that misbehaves in size or length: each path is one way.
let server: Server;
let base: string;
let endlessOpen = 0;
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/endless' || path === '/endless-ok') {
      // A body that never ends: chunks for as long as the client keeps the socket open.
      endlessOpen++;
      res.writeHead(path === '/endless' ? 500 : 200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.once('close', () => endlessOpen--);
      pump();
      return;
    }
    if (path === '/retry-after') {
      res.writeHead(503, { 'retry-after': '999999999', 'content-type': 'application/json' });
      return res.end(JSON.stringify({ message: 'come back much later' }));
    }
    if (path === '/large') {
      // 5 MB of JSON error body.
      res.writeHead(500, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ message: 'internal error', trace: 'y'.repeat(5 * 1024 * 1024) }));
    }
    if (path === '/user') {
      // Sailthru's rate limit: a 429 with the window's reset as an epoch second, far away.
      res.writeHead(429, { 'x-rate-limit-reset': '9999999999', 'content-type': 'application/json' });
      return res.end(JSON.stringify({ errormsg: 'rate limited' }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** One exchange and its classification, as a client does it: the DestinationError it ends in. */
async function refusalOf(path: string): Promise<DestinationError> {
  try {
    const response = await exchange('test', { method: 'POST', url: `${base}${path}`, body: '{}', timeoutMs: TIMEOUT_MS });
    check('test', response);
  } catch (error) {
    if (error instanceof DestinationError) return error;
    throw error;
  }
  throw new Error('the answer passed');
}

describe('a destination answer is read only up to a bound', () => {
  it('a 500 whose body never ends is a prompt refusal, not a timeout, and the connection is let go', async () => {
    const started = Date.now();
    const error = await refusalOf('/endless');
    expect(error.message).toMatch(/^500: /);
    expect(error.retryable).toBe(true);
    expect(error.details.status).toBe(500);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS / 2);
    // The rest of the body is not drained: the client closed the socket.
    await expect.poll(() => endlessOpen, { timeout: 2000 }).toBe(0);
  });

  it('a 200 whose body never ends yields its first MiB, promptly', async () => {
    const started = Date.now();
    const response = await exchange('test', { method: 'GET', url: `${base}/endless-ok`, timeoutMs: TIMEOUT_MS });
    expect(response.status).toBe(200);
    expect(response.text.length).toBe(MAX_SUCCESS_BODY_BYTES);
    expect(response.truncated).toBe(true);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS / 2);
    await expect.poll(() => endlessOpen, { timeout: 2000 }).toBe(0);
  });

  it('a 500 with a 5 MB JSON body is a refusal, without reading it all', async () => {
    const error = await refusalOf('/large');
    expect(error.retryable).toBe(true);
    expect(error.details.status).toBe(500);
    expect(error.message).toBe('500: the answer is over 64 KiB, not read in full [POST /large]');
    expect(error.message.length).toBeLessThan(400);
    expect(MAX_ERROR_BODY_BYTES).toBe(64 * 1024);
  });
});

describe('a delay a destination asks for is capped at one hour', () => {
  it('Retry-After: 999999999 waits one hour, not 31 years', async () => {
    const error = await refusalOf('/retry-after');
    expect(error.retryable).toBe(true);
    expect(error.details.status).toBe(503);
    expect(error.details.retryAfterMs).toBe(HOUR_MS);
  });

  it("Sailthru's X-Rate-Limit-Reset in the year 2286 waits one hour", async () => {
    const config = {
      name: 'sailthru',
      type: 'sailthru',
      base_url: base,
      timeout: '4s',
      api_key: '${K}',
      api_secret: '${S}',
    } as DestinationConfig;
    const user = { id: 'u1', email: 'ada@example.com', identities: {} };
    const error = await httpClient(config, { K: 'key-1234', S: 'secret-1234' })
      .perform({ kind: 'set_var', user, vars: {} }, { idempotencyKey: 'k' })
      .then(
        () => undefined,
        (e: unknown) => e as DestinationError,
      );
    expect(error).toBeInstanceOf(DestinationError);
    expect(error!.retryable).toBe(true);
    expect(error!.details.status).toBe(429);
    expect(error!.details.retryAfterMs).toBe(HOUR_MS);
  });
});
