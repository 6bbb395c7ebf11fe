import { join } from 'node:path';
import { DEFAULT_WEBHOOK_DESTINATION } from '../dsl/language/destination-defaults.ts';
import type { DestinationConfig, FlowsConfig } from '../dsl/language/config.ts';
import { envReferences } from '../dsl/language/env-references.ts';
import { httpClient } from '../destinations/clients.ts';
import { credentialEnvNames } from '../destinations/credentials.ts';
import { RecordingDestination } from '../destinations/recording.ts';
import { resolveSettings } from '../destinations/settings.ts';
import type { DestinationClient } from '../destinations/types.ts';
import { FAKE_ENV, FAKES, type FakeCredentials } from '../destinations/fakes/index.ts';
import type { Fake } from '../destinations/fakes/server.ts';

/** The `${VAR}` references of one destination's settings. */
function credentialVariables(settings: Record<string, unknown>): string[] {
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
  /**
   * The first port of the fakes: destination i of the config (in config order) listens on
   * `fakesPort + i`, so the `/__fake/calls` URLs stay the same across restarts. Unset: any free port.
   */
  fakesPort?: number;
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

/**
 * The environment a faked destination's client resolves its settings from: every variable its
 * credentials read gets a placeholder (the conventional one for the example config's names,
 * `fake-<name>` for any other), so real secrets never reach a fake or its record file, and a
 * config may name its variables as it likes.
 */
function fakeEnv(settings: DestinationConfig, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const placeholder = (name: string) => (FAKE_ENV as Record<string, string>)[name] ?? `fake-${name.toLowerCase().replace(/_/g, '-')}`;
  return { ...env, ...Object.fromEntries(credentialEnvNames(settings).map((name) => [name, placeholder(name)])) };
}

/** What the fake checks requests against: the settings its client resolved, exactly. */
function fakeCredentials(settings: DestinationConfig, env: NodeJS.ProcessEnv): FakeCredentials {
  const resolved = resolveSettings(settings, env);
  const credentials: FakeCredentials = {};
  for (const [key, value] of Object.entries(settings))
    if (typeof value === 'string' || typeof value === 'number') credentials[key] = resolved.get(key);
  const headers = (settings.headers ?? {}) as Record<string, string>;
  credentials.headers = Object.fromEntries(Object.entries(headers).map(([h, v]) => [h, resolved.resolve(v)]));
  return credentials;
}

export async function destinationClients(config: FlowsConfig, options: ClientOptions): Promise<Clients> {
  const env = options.env ?? process.env;
  const file = (name: string) => (options.recordDir ? join(options.recordDir, `${name}.jsonl`) : undefined);
  const clients = new Map<string, DestinationClient>();
  const faked: Clients['faked'] = [];
  const fakes = new Map<string, Fake>();
  const all = [...config.destinations.values(), DEFAULT_WEBHOOK];
  try {
    for (const [index, settings] of all.entries()) {
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
        const clientEnv = fakeEnv(settings, env);
        const port = options.fakesPort === undefined ? 0 : options.fakesPort + index;
        const fake = await FAKES[settings.type]({
          port,
          ...(recordFile ? { recordFile } : {}),
          credentials: fakeCredentials(settings, clientEnv),
        }).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EADDRINUSE') throw error;
          throw new Error(
            `the fake for destination '${name}' cannot listen on port ${port}: it is in use; pick other ports with --fakes-port (or FLOWLINE_FAKES_PORT)`,
          );
        });
        fakes.set(name, fake);
        // A faked webhook calls only its fake (on loopback), with the destination's headers.
        const webhook = { allow_private_addresses: true, allowed_hosts: [new URL(fake.url).hostname] };
        const client = httpClient({ ...settings, base_url: fake.url, ...(settings.type === 'webhook' ? webhook : {}) }, clientEnv);
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
