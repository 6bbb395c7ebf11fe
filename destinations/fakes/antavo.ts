import { antavoEscher } from '../antavo.ts';
import { expected, type FakeOptions } from './credentials.ts';
import { json, startFake, type Fake } from './server.ts';

/** Antavo Events API: Escher-signed requests (checked with the same algorithm), the customer object on success. */
export function fakeAntavo(options: FakeOptions & { region?: string } = {}): Promise<Fake> {
  const setting = expected('antavo', options.credentials);
  const escher = antavoEscher(options.region ?? options.credentials?.region?.toString() ?? 'eu');
  let points = 0;
  return startFake(
    'antavo',
    (req) => {
      const error = (status: number, type: string, code: number, message: string) => ({ status, body: { error: { type, code, message } } });
      try {
        escher.authenticate({ method: req.method, url: req.path, headers: Object.entries<string>(req.headers), body: req.body }, (key) =>
          key === setting('api_key') ? setting('api_secret') : undefined,
        );
      } catch (e) {
        return error(401, 'UnauthorizedException', 401, `Invalid signature: ${(e as Error).message}`);
      }
      if (req.method !== 'POST' || req.path !== '/events') return error(404, 'NotFoundException', 404, `no route ${req.path}`);
      const body = json<{ customer: string; action: string; data: { points?: number } }>(req);
      if (!body.customer || !body.action) return error(400, 'BadRequestException', 400, 'customer and action are required');
      if (body.customer === 'unknown-customer') return error(404, 'NotFoundException', 160212, 'Customer not found');
      if (body.action === 'point_add') points += Number(body.data?.points ?? 0);
      return {
        status: 200,
        body: {
          id: body.customer,
          status: 'active',
          score: points,
          spent: 0,
          pending: 0,
          events: [{ id: `ev-${Date.now().toString(36)}`, action: body.action, points: body.data?.points ?? 0 }],
        },
      };
    },
    options,
  );
}
