import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ingestConnection } from '../../ingest/connection.ts';
import { openStepLog } from '../../store/open.ts';
import { StudioProject } from '../../studio/project.ts';
import { buildStudio } from '../../studio/server.ts';
import type { StudioDeps } from '../../studio/deps.ts';

// Every answer here is decided before Temporal is asked: the client points at a port nothing
// listens on (a real client, never a mock), so a 502 would mean the check did not happen.
const TOKEN = 'studio-token-0123456789';
let deps: StudioDeps;
let local: ReturnType<typeof buildStudio>;
let guarded: ReturnType<typeof buildStudio>;

beforeAll(async () => {
  const client = new Client({ connection: ingestConnection({ address: '127.0.0.1:1', namespace: 'default' }) });
  const log = await openStepLog(mkdtempSync(join(tmpdir(), 'studio-guard-')), {});
  deps = { project: new StudioProject(process.cwd()), log, client, namespace: 'default', temporalWeb: 'http://localhost:8233' };
  local = buildStudio(deps);
  guarded = buildStudio(deps, { host: '0.0.0.0', token: TOKEN, allowHosts: ['studio.example.com'] });
});
afterAll(() => Promise.all([local?.close(), guarded?.close()]));

it('refuses a Host that is not its own (DNS rebinding), on pages and on the API alike', async () => {
  for (const url of ['/', '/api/flows', '/api/flows/welcome/live', '/static/studio.js']) {
    const answer = await local.inject({ url, headers: { host: 'rebind.attacker.example:8090' } });
    expect(answer.statusCode, url).toBe(403);
    expect(answer.json().error).toContain('FLOWLINE_ALLOWED_HOSTS');
  }
  expect((await local.inject({ url: '/', headers: { host: '127.0.0.1:8090' } })).statusCode).toBe(200);
  expect((await guarded.inject({ url: '/', headers: { host: 'studio.example.com', authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(
    200,
  );
});

it('refuses a write from a foreign origin before any route is looked up', async () => {
  const answer = await local.inject({
    method: 'POST',
    url: '/api/flows',
    headers: { host: '127.0.0.1:8090', origin: 'http://attacker.example', 'content-type': 'text/plain' },
    payload: 'x',
  });
  expect(answer.statusCode).toBe(403);
});

it('answers a malformed token cookie with 401, not a 5xx', async () => {
  const answer = await guarded.inject({ url: '/api/flows', headers: { cookie: 'flowline_studio=%E0%A4%A' } });
  expect(answer.statusCode).toBe(401);
});

it('takes a token of any length without error and refuses every wrong one', async () => {
  for (const wrong of ['x', TOKEN.slice(0, -1), `${TOKEN}x`, 'y'.repeat(10_000)])
    expect((await guarded.inject({ url: '/', headers: { authorization: `Bearer ${wrong}` } })).statusCode).toBe(401);
});

it('takes ?token= once: sets the cookie and sends the browser to the same address without it', async () => {
  const answer = await guarded.inject({ url: `/flows/welcome?window=30d&token=${TOKEN}` });
  expect(answer.statusCode).toBe(303);
  expect(answer.headers.location).toBe('/flows/welcome?window=30d');
  const cookie = String(answer.headers['set-cookie']).split(';')[0]!;
  expect((await guarded.inject({ url: '/flows/welcome?window=30d', headers: { cookie } })).statusCode).toBe(200);
});

it('answers a window that is not one (a prototype key included) with 400 naming the windows', async () => {
  for (const window of ['toString', '__proto__', 'constructor', '1y']) {
    const answer = await local.inject({ url: `/api/flows?window=${window}` });
    expect(answer.statusCode, window).toBe(400);
    expect(answer.json().error).toContain('24h, 7d, 30d, all');
  }
});
