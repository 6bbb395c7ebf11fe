import { expected, type FakeOptions } from './credentials.ts';
import { json, startFake, type Fake } from './server.ts';

/** CleverTap: header auth, /1/upload answering 200 with unprocessed[] per bad record, a concurrency limit answered with 429. */
export function fakeClevertap(options: FakeOptions & { concurrency?: number; delayMs?: number } = {}): Promise<Fake> {
  const setting = expected('clevertap', options.credentials);
  let inFlight = 0;
  const limit = options.concurrency ?? 15;
  return startFake(
    'clevertap',
    async (req) => {
      if (req.headers['x-clevertap-account-id'] !== setting('account_id') || req.headers['x-clevertap-passcode'] !== setting('passcode')) {
        return { status: 401, body: { status: 'fail', error: 'Account ID is not valid', code: 401 } };
      }
      if (inFlight >= limit) return { status: 429, body: { status: 'fail', error: 'Too many concurrent requests', code: 429 } };
      inFlight++;
      try {
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        const body = json<{ d: Array<Record<string, unknown>>; to: { Identity?: unknown[] }; content: { body?: string } }>(req);
        if (req.path === '/1/upload') {
          const records = body.d;
          if (!Array.isArray(records) || records.length > 1000)
            return { status: 400, body: { status: 'fail', error: 'd must hold 1 to 1000 records', code: 400 } };
          const unprocessed = records.flatMap((r, i) => {
            const fail = (code: number, error: string) => [
              { status: 'fail', code, error: `${error}. Skipped record number : ${i + 1}`, record: JSON.stringify(r) },
            ];
            if (!r.identity && !r.objectId) return fail(523, 'Missing identity');
            if (r.type !== 'profile' && r.type !== 'event') return fail(524, 'Neither event nor profile');
            if (r.type === 'event' && !r.evtName) return fail(509, 'Event name is missing');
            if (typeof r.ts !== 'number' || r.ts > 1e11) return fail(525, 'Invalid timestamp');
            return [];
          });
          return {
            status: 200,
            body: {
              status: unprocessed.length ? (unprocessed.length === records.length ? 'fail' : 'partial') : 'success',
              processed: records.length - unprocessed.length,
              unprocessed,
            },
          };
        }
        if (req.path === '/1/send/push.json' || req.path === '/1/send/sms.json') {
          if (!body.to?.Identity?.length) return { status: 400, body: { status: 'fail', error: 'to.Identity is required', code: 400 } };
          if (!body.content?.body) return { status: 400, body: { status: 'fail', error: 'content.body is required', code: 400 } };
          return { status: 200, body: { status: 'success', message_id: Date.now() } };
        }
        return { status: 404, body: { status: 'fail', error: `no route ${req.path}`, code: 404 } };
      } finally {
        inFlight--;
      }
    },
    options,
  );
}
