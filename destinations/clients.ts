import type { DestinationConfig } from '../dsl/config.ts';
import { AntavoClient } from './antavo.ts';
import { ClevertapClient } from './clevertap.ts';
import { CustomerioClient } from './customerio.ts';
import { MoengageClient } from './moengage.ts';
import { MparticleClient } from './mparticle.ts';
import { SailthruClient } from './sailthru.ts';
import { resolveSettings } from './settings.ts';
import type { DestinationClient } from './types.ts';
import { WebhookClient } from './webhook.ts';

const CLIENTS = {
  sailthru: SailthruClient,
  customerio: CustomerioClient,
  clevertap: ClevertapClient,
  moengage: MoengageClient,
  mparticle: MparticleClient,
  antavo: AntavoClient,
  webhook: WebhookClient,
} as const;

/** The HTTP client for a configured destination, its `${VAR}` settings resolved from the environment. */
export function httpClient(config: DestinationConfig, env: NodeJS.ProcessEnv = process.env): DestinationClient {
  return new CLIENTS[config.type](resolveSettings(config, env));
}
