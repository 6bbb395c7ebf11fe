import type { FakeOptions } from './credentials.ts';
import { startFake, type Fake } from './server.ts';

/**
 * Any HTTP endpoint: records what it got and answers 200 {ok: true}. Given the destination's
 * headers (its credentials), it refuses a request without them with 401, as a real endpoint would.
 */
export const fakeWebhook = (options: FakeOptions = {}): Promise<Fake> =>
  startFake(
    'webhook',
    (req) => {
      for (const [name, value] of Object.entries(options.credentials?.headers ?? {})) {
        if (req.headers[name.toLowerCase()] !== value)
          return { status: 401, body: { error: 'unauthorized', message: `header ${name} is missing or wrong` } };
      }
      return { status: 200, body: { ok: true } };
    },
    options,
  );
