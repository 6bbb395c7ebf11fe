import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fakeWebhook } from '../../destinations/fakes/webhook.ts';
import type { Fake } from '../../destinations/fakes/server.ts';

// `npm start` runs the fakes beside the user's browser: a page can post to them (a text/plain
// POST needs no preflight) or rebind its name to them. Neither may stop the process or act.
let fake: Fake;
beforeAll(async () => {
  fake = await fakeWebhook();
});
afterAll(() => fake.close());

/** A raw request, so the Host header can be any a browser under DNS rebinding would send. */
const send = (path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${fake.url}${path}`, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });

it('answers a text/plain POST that is not a fault list with 400, and keeps serving', async () => {
  for (const body of ['not json', '{"status": 503', '[{"nonsense": true}]', '42']) {
    const answer = await send('/__fake/faults', { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect(answer.status, body).toBe(400);
    expect(answer.body).toContain('__fake/faults');
  }
  expect(fake.faults).toEqual([]);
  expect((await send('/hook', { method: 'POST', body: '{}' })).status).toBe(200);
});

it('still takes a fault list, as the tests and operators send it', async () => {
  expect((await send('/__fake/faults', { method: 'POST', body: '[{"status": 503, "retryAfter": 1}]' })).status).toBe(204);
  expect((await send('/hook', { method: 'POST', body: '{}' })).status).toBe(503);
});

it('refuses a rebound Host and a write from a foreign origin, recording nothing', async () => {
  fake.clear();
  expect((await send('/__fake/calls', { headers: { host: 'rebind.attacker.example' } })).status).toBe(403);
  const foreign = await send('/hook', { method: 'POST', headers: { origin: 'http://attacker.example' }, body: '{}' });
  expect(foreign.status).toBe(403);
  const faults = await send('/__fake/faults', { method: 'POST', headers: { origin: 'http://attacker.example' }, body: '[{"hang": true}]' });
  expect(faults.status).toBe(403);
  expect(fake.received).toEqual([]);
  expect(fake.faults).toEqual([]);
});
