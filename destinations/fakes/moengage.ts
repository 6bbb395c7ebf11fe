import { expected, type FakeOptions } from './credentials.ts';
import { basicAuth, json, startFake, type Fake } from './server.ts';

/** MoEngage Data API: Basic auth with workspace id and key; {status: success|fail} bodies. */
export function fakeMoengage(options: FakeOptions = {}): Promise<Fake> {
  const setting = expected('moengage', options.credentials);
  return startFake(
    'moengage',
    (req) => {
      const fail = (status: number, type: string, message: string) => ({
        status,
        body: { status: 'fail', error: { type, message, request_id: 'fake' } },
      });
      const auth = basicAuth(req);
      if (!auth || auth[0] !== setting('app_id') || auth[1] !== setting('api_key'))
        return fail(401, 'Authentication required', 'App Secret key mismatch');
      const m = /^\/v1\/(customer|event)\/([^/]+)$/.exec(req.path);
      if (!m || req.method !== 'POST') return fail(404, 'NotFound', `no route ${req.method} ${req.path}`);
      if (decodeURIComponent(m[2]!) !== setting('app_id')) return fail(401, 'Authentication required', 'app id in path does not match');
      const body = json<{ customer_id: string; type: string; actions: unknown[] }>(req);
      if (!body.customer_id) return fail(400, 'MissingAttributeError', 'customer_id is missing');
      if (m[1] === 'customer' && body.type !== 'customer') return fail(400, 'MissingAttributeError', 'type must be customer');
      if (m[1] === 'event' && (body.type !== 'event' || !Array.isArray(body.actions) || body.actions.length === 0))
        return fail(400, 'MissingAttributeError', 'actions are missing');
      return { status: 200, body: { status: 'success', message: 'Your request has been accepted and will be processed soon.' } };
    },
    options,
  );
}
