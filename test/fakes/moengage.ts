import { FAKE_ENV } from './credentials.ts';
import { basicAuth, json, startFake, type Fake } from './server.ts';

/** MoEngage Data API: Basic auth with workspace id and key; {status: success|fail} bodies. */
export function fakeMoengage(options: { port?: number; recordFile?: string } = {}): Promise<Fake> {
  return startFake('moengage', (req) => {
    const fail = (status: number, type: string, message: string) => ({ status, body: { status: 'fail', error: { type, message, request_id: 'fake' } } });
    const auth = basicAuth(req);
    if (!auth || auth[0] !== FAKE_ENV.MOENGAGE_APP_ID || auth[1] !== FAKE_ENV.MOENGAGE_API_KEY) return fail(401, 'Authentication required', 'App Secret key mismatch');
    const m = /^\/v1\/(customer|event)\/([^/]+)$/.exec(req.path);
    if (!m || req.method !== 'POST') return fail(404, 'NotFound', `no route ${req.method} ${req.path}`);
    if (m[2] !== FAKE_ENV.MOENGAGE_APP_ID) return fail(401, 'Authentication required', 'app id in path does not match');
    const body = json(req);
    if (!body.customer_id) return fail(400, 'MissingAttributeError', 'customer_id is missing');
    if (m[1] === 'customer' && body.type !== 'customer') return fail(400, 'MissingAttributeError', 'type must be customer');
    if (m[1] === 'event' && (body.type !== 'event' || !Array.isArray(body.actions) || body.actions.length === 0)) return fail(400, 'MissingAttributeError', 'actions are missing');
    return { status: 200, body: { status: 'success', message: 'Your request has been accepted and will be processed soon.' } };
  }, options.port, options.recordFile);
}
