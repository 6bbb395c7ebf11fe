import { startFake, type Fake } from './server.ts';

/** Any HTTP endpoint: records what it got and answers 200 {ok: true}. */
export const fakeWebhook = (options: { port?: number; recordFile?: string } = {}): Promise<Fake> =>
  startFake('webhook', () => ({ status: 200, body: { ok: true } }), options.port, options.recordFile);
