import { expected, type FakeOptions } from './credentials.ts';
import { basicAuth, json, startFake, type Fake } from './server.ts';

/** Customer.io Track (Basic) and App (Bearer) APIs, with event de-duplication by id. */
export function fakeCustomerio(options: FakeOptions = {}): Promise<Fake> {
  const setting = expected('customerio', options.credentials);
  const seenEvents = new Set<string>();
  return startFake(
    'customerio',
    (req) => {
      const body = json<{
        transactional_message_id: unknown;
        identifiers: Record<string, unknown>;
        name: string;
        id: string;
        ids: unknown[];
      }>(req);
      if (req.path.startsWith('/v1/send/')) {
        if (req.headers.authorization !== `Bearer ${setting('app_api_key')}`)
          return { status: 401, body: { meta: { error: 'Unauthorized request' } } };
        if (body.transactional_message_id === undefined)
          return { status: 400, body: { meta: { error: 'transactional_message_id is required' } } };
        if (!body.identifiers || Object.keys(body.identifiers).length !== 1)
          return { status: 400, body: { meta: { error: 'identifiers must have exactly one of id, email, cio_id' } } };
        return { status: 200, body: { delivery_id: `dlv-${Date.now().toString(36)}`, queued_at: Math.floor(Date.now() / 1000) } };
      }
      const auth = basicAuth(req);
      if (!auth || auth[0] !== setting('site_id') || auth[1] !== setting('track_api_key'))
        return { status: 401, body: { meta: { errors: ['Unauthorized request'] } } };
      if (/^\/api\/v1\/customers\/([^/]+)$/.test(req.path) && req.method === 'PUT') return { status: 200, body: {} };
      if (/^\/api\/v1\/customers\/([^/]+)\/events$/.test(req.path) && req.method === 'POST') {
        if (!body.name) return { status: 400, body: { meta: { errors: ['event name is required'] } } };
        if (body.id && seenEvents.has(body.id)) return { status: 200, body: {}, headers: { 'x-fake-duplicate': 'ignored' } };
        if (body.id) seenEvents.add(body.id);
        return { status: 200, body: {} };
      }
      if (/^\/api\/v1\/segments\/([^/]+)\/(add|remove)_customers$/.test(req.path) && req.method === 'POST') {
        const ids = body.ids;
        if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1000)
          return { status: 400, body: { meta: { errors: ['ids must hold 1 to 1000 ids'] } } };
        return { status: 200, body: {} };
      }
      return { status: 404, body: { meta: { errors: [`no route ${req.method} ${req.path}`] } } };
    },
    options,
  );
}
