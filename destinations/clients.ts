import type { DestinationConfig } from '../dsl/language/config.ts';
import type { DestinationType } from '../dsl/language/capabilities.ts';
import { AntavoClient } from './antavo.ts';
import { ClevertapClient } from './clevertap.ts';
import { CustomerioClient } from './customerio.ts';
import { redact } from './error-text.ts';
import { DestinationError } from './errors.ts';
import { MoengageClient } from './moengage.ts';
import { MparticleClient } from './mparticle.ts';
import type { Resolver } from './pinned-connection.ts';
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
} as const satisfies Record<DestinationType, unknown>;

export interface HttpClientOptions {
  /** How webhook host names are resolved (tests inject one; default the system resolver). */
  resolve?: Resolver;
}

/**
 * The HTTP client for a configured destination, its `${VAR}` settings resolved from the
 * environment. Every error it throws is scrubbed of the destination's secrets and of anything
 * shaped like a credential: error messages are kept, unencrypted, in Temporal history.
 */
export function httpClient(
  config: DestinationConfig,
  env: NodeJS.ProcessEnv = process.env,
  options: HttpClientOptions = {},
): DestinationClient {
  const settings = resolveSettings(config, env);
  const client = config.type === 'webhook' ? new WebhookClient(settings, options) : new CLIENTS[config.type](settings);
  return {
    name: client.name,
    type: client.type,
    async perform(call, context) {
      try {
        return await client.perform(call, context);
      } catch (error) {
        if (error instanceof DestinationError)
          throw new DestinationError(redact(error.message, settings.secrets), error.retryable, error.details);
        if (error instanceof Error) error.message = redact(error.message, settings.secrets);
        throw error;
      }
    },
  };
}
