import { join } from 'node:path';
import { DEFAULT_WEBHOOK_DESTINATION } from '../activities/types.ts';
import type { DestinationConfig, FlowsConfig } from '../dsl/config.ts';
import { envReferences } from '../dsl/env-references.ts';
import { httpClient } from '../destinations/clients.ts';
import { RecordingDestination } from '../destinations/recording.ts';
import type { DestinationClient } from '../destinations/types.ts';
import { FAKE_ENV, FAKES } from '../test/fakes/index.ts';
import type { Fake } from '../test/fakes/server.ts';

/** The `${VAR}` references of one destination's settings. */
export function credentialVariables(settings: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') for (const name of envReferences(value)) found.add(name);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(settings);
  return [...found];
}

export class MissingCredentialError extends Error {}

export interface ClientOptions {
  /**
   * `real`: HTTP clients to the real services; a missing credential stops start-up, naming the
   *   variable and the destination.
   * `fake-missing` (`npm start`): destinations whose credentials are not all set talk to local
   *   fake servers instead; the others are real.
   * `fake` (`--fake-destinations`): every destination talks to a local fake server.
   * `record` (`flows simulate`, tests of the interpreter): nothing is sent anywhere; calls are recorded.
   */
  mode: 'real' | 'fake-missing' | 'fake' | 'record';
  /** Where fakes and recorders append what they received, one JSON line each, per destination. */
  recordDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Clients {
  clients: Map<string, DestinationClient>;
  /** Destinations served by a fake, where it listens, and the variables they lacked. */
  faked: Array<{ name: string; missing: string[]; url?: string }>;
  /** The fake servers by destination name, for tests that inject faults. */
  fakes: Map<string, Fake>;
  close(): Promise<void>;
}

const DEFAULT_WEBHOOK: DestinationConfig = { name: DEFAULT_WEBHOOK_DESTINATION, type: 'webhook' };

/** A faked webhook destination sends every call to its fake, keeping path and query: nothing leaves the machine. */
function toFake(client: DestinationClient, fake: Fake): DestinationClient {
  if (client.type !== 'webhook') return client;
  return {
    name: client.name,
    type: client.type,
    perform(call, context) {
      if (call.kind !== 'webhook') return client.perform(call, context);
      const original = new URL(call.url);
      return client.perform({ ...call, url: `${fake.url}${original.pathname}${original.search}` }, context);
    },
  };
}

export async function destinationClients(config: FlowsConfig, options: ClientOptions): Promise<Clients> {
  const env = options.env ?? process.env;
  const file = (name: string) => (options.recordDir ? join(options.recordDir, `${name}.jsonl`) : undefined);
  const clients = new Map<string, DestinationClient>();
  const faked: Clients['faked'] = [];
  const fakes = new Map<string, Fake>();
  const all = [...config.destinations.values(), DEFAULT_WEBHOOK];
  try {
    for (const settings of all) {
      const { name } = settings;
      const missing = credentialVariables(settings).filter((v) => !env[v]);
      if (options.mode === 'record') {
        clients.set(name, new RecordingDestination(name, settings.type, file(name)));
        continue;
      }
      if (options.mode === 'real' && missing.length) {
        throw new MissingCredentialError(
          `destination '${name}' (${settings.type}) needs ${missing.join(', ')}: set ${missing.length > 1 ? 'them' : 'it'} in the environment, or run with --fake-destinations`,
        );
      }
      // In the demo stack the built-in webhook destination (steps without `destination`) is faked too:
      // it has no credentials to set, and a demo must not call the URLs of example flows.
      const demoFake = options.mode === 'fake-missing' && (missing.length > 0 || settings === DEFAULT_WEBHOOK);
      if (options.mode === 'fake' || demoFake) {
        const recordFile = file(name);
        const fake = await FAKES[settings.type]({ ...(recordFile ? { recordFile } : {}) });
        fakes.set(name, fake);
        const client = httpClient({ ...settings, base_url: fake.url, ...(settings.type === 'webhook' ? { allow_private_addresses: true } : {}) }, { ...env, ...FAKE_ENV });
        clients.set(name, toFake(client, fake));
        faked.push({ name, missing: options.mode === 'fake' ? [] : missing, url: fake.url });
        continue;
      }
      clients.set(name, httpClient(settings, env));
    }
  } catch (error) {
    await Promise.all([...fakes.values()].map((f) => f.close()));
    throw error;
  }
  return { clients, faked, fakes, close: async () => void (await Promise.all([...fakes.values()].map((f) => f.close()))) };
}
