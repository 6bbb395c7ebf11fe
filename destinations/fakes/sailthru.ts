import { sailthruSignature } from '../sailthru.ts';
import { expected, type FakeOptions } from './credentials.ts';
import { startFake, type Fake } from './server.ts';

/** Sailthru: signed form posts; {error, errormsg} bodies; per-minute X-Rate-Limit-* headers; 429 with error 43 and no Retry-After. */
export function fakeSailthru(options: FakeOptions & { perMinute?: number } = {}): Promise<Fake> {
  const setting = expected('sailthru', options.credentials);
  const limit = options.perMinute ?? 10_000;
  const windows = new Map<string, number>();
  return startFake(
    'sailthru',
    (req) => {
      const form = new URLSearchParams(req.body);
      const apiKey = form.get('api_key');
      const json = form.get('json') ?? '';
      const fail = (status: number, error: number, errormsg: string, headers?: Record<string, string>) => ({
        status,
        headers,
        body: { error, errormsg },
      });
      if (req.method !== 'POST') return fail(405, 1, 'Unsupported method');
      if (!apiKey || !form.get('sig')) return fail(400, 2, 'Missing required parameter: api_key');
      if (apiKey !== setting('api_key')) return fail(401, 3, 'Invalid API key');
      if (form.get('sig') !== sailthruSignature(setting('api_secret') ?? '', [apiKey, form.get('format') ?? '', json]))
        return fail(401, 5, 'Authentication failed');
      const minute = Math.floor(Date.now() / 60_000);
      const windowKey = `${req.path}:${minute}`;
      const used = (windows.get(windowKey) ?? 0) + 1;
      windows.set(windowKey, used);
      const headers = {
        'x-rate-limit-limit': String(limit),
        'x-rate-limit-remaining': String(Math.max(0, limit - used)),
        'x-rate-limit-reset': String((minute + 1) * 60),
      };
      if (used > limit) return fail(429, 43, `Too many POST requests this minute to ${req.path} API`, headers);
      let data: { id?: unknown; template?: string; email?: unknown; event?: string };
      try {
        data = JSON.parse(json);
      } catch {
        return fail(400, 6, 'Invalid JSON');
      }
      switch (req.path) {
        case '/user':
          if (!data.id) return fail(400, 2, 'Missing required parameter: id');
          return { status: 200, headers, body: { ok: true } };
        case '/send':
          if (!data.template) return fail(400, 2, 'Missing required parameter: template');
          if (data.template === 'missing-template') return fail(400, 14, `Unknown template: ${data.template}`);
          if (!/@/.test(String(data.email))) return fail(400, 11, 'Invalid email');
          return {
            status: 200,
            headers,
            body: { send_id: `send-${Date.now().toString(36)}`, email: data.email, template: data.template, status: 'scheduled' },
          };
        case '/event':
          if (data.event !== undefined && ['send', 'cancel', 'open', 'click', 'purchase', 'daily'].includes(data.event))
            return fail(400, 99, `Reserved event name: ${data.event}`);
          return { status: 200, headers, body: { ok: true } };
        default:
          return fail(404, 99, `Unknown endpoint ${req.path}`);
      }
    },
    options,
  );
}
