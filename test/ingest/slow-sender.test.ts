import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { basic, offlineIngest } from '../helpers/ingest.ts';

const ingest = offlineIngest({ timeouts: { headersMs: 500, requestMs: 1_000 } });
let port: number;
beforeAll(async () => {
  await ingest.app.listen({ port: 0, host: '127.0.0.1' });
  port = (ingest.app.server.address() as AddressInfo).port;
});
afterAll(() => ingest.app.close());

/** Writes the chunks one by one, `everyMs` apart, and resolves with how long the server kept the connection open. */
function dribble(chunks: string[], everyMs: number): Promise<{ closedAfterMs: number; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = '';
    const socket: Socket = connect(port, '127.0.0.1');
    let timer: NodeJS.Timeout | undefined;
    const next = (i: number) => {
      if (i >= chunks.length || socket.destroyed) return;
      socket.write(chunks[i]!);
      timer = setTimeout(() => next(i + 1), everyMs);
    };
    socket.on('connect', () => next(0));
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closedAfterMs: Date.now() - started, answer });
    });
    setTimeout(() => socket.destroy(), 10_000); // the server never closed it
  });
}

it('a sender that dribbles its headers is cut off once the header deadline passes', async () => {
  const headers = `POST /v2/events HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic()}\r\nContent-Type: application/json\r\nX-Slow: ${'a'.repeat(100)}`;
  const { closedAfterMs, answer } = await dribble([...headers], 100); // one byte every 100 ms: 20+ s for all of them
  expect(closedAfterMs).toBeLessThan(4_000);
  expect(answer).toMatch(/^HTTP\/1\.1 408|^$/);
});

it('a sender that dribbles its body is cut off once the request deadline passes', async () => {
  const body = JSON.stringify({ environment: 'production', user_identities: { customerid: 'slow-body' } });
  const head = `POST /v2/events HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic()}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
  const { closedAfterMs } = await dribble([head, ...body], 200);
  expect(closedAfterMs).toBeLessThan(5_000);
  expect((await ingest.profiles.get('slow-body')).attributes).toEqual({});
});
