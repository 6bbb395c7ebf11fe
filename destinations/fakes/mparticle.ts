import { expected, type FakeOptions } from './credentials.ts';
import { basicAuth, json, startFake, type Fake } from './server.ts';

/** The mpid as sent: a number beyond 2^53 is read from the body's text, since JSON.parse rounds it. */
const mpidText = (body: string, parsed: unknown): string =>
  typeof parsed === 'number' ? (/"mpid"\s*:\s*(-?\d+)/.exec(body)?.[1] ?? String(parsed)) : String(parsed);

/** The fields of a batch the fake checks. */
interface Batch {
  environment: string;
  user_identities: Record<string, unknown>;
  mpid: unknown;
  events: Array<{ event_type?: string; data?: { event_name?: string } }>;
}

/** mParticle's Events API: Basic auth with input key and secret; 202 with an empty body; 400 {errors:[...]}. */
export function fakeMparticle(options: FakeOptions = {}): Promise<Fake> {
  const setting = expected('mparticle', options.credentials);
  return startFake(
    'mparticle',
    (req) => {
      const bad = (message: string) => ({ status: 400, body: { errors: [{ code: 'BAD_REQUEST', message }] } });
      const auth = basicAuth(req);
      if (!auth) return { status: 401 };
      if (auth[0] !== setting('api_key') || auth[1] !== setting('api_secret')) return { status: 403 };
      if (req.method !== 'POST' || (req.path !== '/v2/events' && req.path !== '/v2/bulkevents')) return { status: 404 };
      const batches = req.path === '/v2/bulkevents' ? (JSON.parse(req.body || '[]') as Array<Partial<Batch>>) : [json<Batch>(req)];
      if (batches.length > 100) return bad('at most 100 batches per request');
      for (const batch of batches) {
        if (batch.environment !== 'production' && batch.environment !== 'development')
          return bad('Required field "environment" is missing or invalid.');
        // mParticle's schema: identities are strings by type, mpid an int64 in the batch's own field.
        if (Object.values(batch.user_identities ?? {}).some((v) => typeof v !== 'string')) return bad('User identities must be strings.');
        if (batch.mpid !== undefined && !/^-?\d+$/.test(mpidText(req.body, batch.mpid))) return bad('Field "mpid" must be an integer.');
        for (const event of batch.events ?? []) {
          if (!event.event_type) return bad('Required event field "event_type" is missing or empty.');
          if (event.event_type === 'custom_event' && !event.data?.event_name)
            return bad('Required event field "event_name" is missing or empty.');
        }
      }
      return { status: 202 };
    },
    options,
  );
}
