import type { DestinationType } from '../../dsl/language/capabilities.ts';
import { fakeAntavo } from './antavo.ts';
import { fakeClevertap } from './clevertap.ts';
import { fakeCustomerio } from './customerio.ts';
import { fakeMoengage } from './moengage.ts';
import { fakeMparticle } from './mparticle.ts';
import { fakeSailthru } from './sailthru.ts';
import type { FakeOptions } from './credentials.ts';
import type { Fake } from './server.ts';
import { fakeWebhook } from './webhook.ts';

export { FAKE_ENV, type FakeCredentials, type FakeOptions } from './credentials.ts';

/** One fake per destination type. */
export const FAKES = {
  sailthru: fakeSailthru,
  customerio: fakeCustomerio,
  clevertap: fakeClevertap,
  moengage: fakeMoengage,
  mparticle: fakeMparticle,
  antavo: fakeAntavo,
  webhook: fakeWebhook,
} as const satisfies Record<DestinationType, (options?: FakeOptions) => Promise<Fake>>;
