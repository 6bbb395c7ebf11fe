import { networkInterfaces } from 'node:os';
import { afterAll, expect, it } from 'vitest';
import { basic, offlineIngest } from '../helpers/ingest.ts';

// DNS rebinding: a page the user visits points its own name at 127.0.0.1 and posts with the
// documented local key. Its requests carry its own name in Host, and its origin in Origin.
const ingest = offlineIngest();
const deployed = offlineIngest({ host: '0.0.0.0', allowHosts: ['ingest.example.com'] });
const open = offlineIngest({ allowHosts: ['*'] });
afterAll(() => Promise.all([ingest.app.close(), deployed.app.close(), open.app.close()]));

const body = {
  environment: 'production',
  user_identities: { customerid: 'host-check' },
  events: [{ event_type: 'custom_event', data: { event_name: 'nothing_listens_to_this' } }],
};
const post = (app: typeof ingest.app, headers: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url: '/v2/events',
    headers: { 'content-type': 'application/json', authorization: basic(), ...headers },
    payload: JSON.stringify(body),
  });

it('refuses a Host that is not a name it answers to, with valid credentials, before auth and on every route', async () => {
  const answer = await post(ingest.app, { host: 'rebind.attacker.example:8080' });
  expect(answer.statusCode).toBe(403);
  expect(answer.json().errors[0].message).toContain('--allow-host');
  expect((await ingest.app.inject({ url: '/stats', headers: { host: 'rebind.attacker.example' } })).statusCode).toBe(403);
  expect((await ingest.app.inject({ url: '/%762/events', method: 'POST', headers: { host: 'evil.example' } })).statusCode).toBe(403);
  expect(await ingest.profiles.get('host-check')).toMatchObject({ identities: {} });
});

it('answers to loopback names and its bind address, with any port', async () => {
  for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'LOCALHOST'])
    expect((await post(ingest.app, { host })).statusCode, host).toBe(202);
});

it('refuses a write from a foreign web origin, and takes one from its own', async () => {
  const foreign = await post(ingest.app, { host: '127.0.0.1:8080', origin: 'http://attacker.example' });
  expect(foreign.statusCode).toBe(403);
  expect(foreign.json().errors[0].message).toContain('http://attacker.example');
  expect((await post(ingest.app, { host: '127.0.0.1:8080', origin: 'null' })).statusCode).toBe(403);
  // Another local port is another origin (a dev server of some other app on :3000).
  expect((await post(ingest.app, { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:3000' })).statusCode).toBe(403);
  expect((await post(ingest.app, { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' })).statusCode).toBe(202);
});

it('bound to every interface, answers to the names configured and the machine’s own addresses only', async () => {
  expect((await post(deployed.app, { host: 'ingest.example.com' })).statusCode).toBe(202);
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && !a.internal)?.address;
  if (address) expect((await post(deployed.app, { host: address.includes(':') ? `[${address}]` : address })).statusCode).toBe(202);
  expect((await post(deployed.app, { host: 'other.example.com' })).statusCode).toBe(403);
});

it('with `*` in the allowed hosts (behind a proxy that checks Host) answers to any name, still refusing foreign origins', async () => {
  expect((await post(open.app, { host: 'anything.example' })).statusCode).toBe(202);
  expect((await post(open.app, { host: 'anything.example', origin: 'http://attacker.example' })).statusCode).toBe(403);
});
