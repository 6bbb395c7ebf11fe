import { join } from 'node:path';
import { DEFAULT_WEBHOOK_DESTINATION } from '../activities/types.ts';
import type { FlowsConfig } from '../dsl/config.ts';
import { RecordingDestination } from '../destinations/recording.ts';
import type { DestinationClient } from '../destinations/types.ts';

/** The `${VAR}` references of one destination's settings. */
export function credentialVariables(settings: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') for (const m of value.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)) found.add(m[1]!);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(settings);
  return [...found];
}

export class MissingCredentialError extends Error {}

export interface ClientOptions {
  /**
   * `fake`: every destination records its calls instead of sending them (`--fake-destinations`).
   * `fake-missing`: those whose credentials are not all set are faked (`npm start`).
   * `real`: a missing credential stops start-up, naming the variable and the destination.
   */
  mode: 'fake' | 'fake-missing' | 'real';
  /** Where faked calls are appended as JSON lines (one file per destination). */
  recordDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Clients {
  clients: Map<string, DestinationClient>;
  /** Destinations served by a recording fake, and the variables each lacked (none when faked on request). */
  faked: Array<{ name: string; missing: string[] }>;
}

export function destinationClients(config: FlowsConfig, options: ClientOptions): Clients {
  const env = options.env ?? process.env;
  const file = (name: string) => (options.recordDir ? join(options.recordDir, `${name}.jsonl`) : undefined);
  const clients = new Map<string, DestinationClient>();
  const faked: Clients['faked'] = [];
  for (const [name, settings] of config.destinations) {
    const missing = credentialVariables(settings).filter((v) => !env[v]);
    if (options.mode === 'real' && missing.length) {
      throw new MissingCredentialError(
        `destination '${name}' (${settings.type}) needs ${missing.join(', ')}: set ${missing.length > 1 ? 'them' : 'it'} in the environment, or run with --fake-destinations`,
      );
    }
    // The HTTP clients arrive with the destinations capability; until then every destination records.
    faked.push({ name, missing: options.mode === 'fake' ? [] : missing });
    clients.set(name, new RecordingDestination(name, settings.type, file(name)));
  }
  clients.set(DEFAULT_WEBHOOK_DESTINATION, new RecordingDestination(DEFAULT_WEBHOOK_DESTINATION, 'webhook', file(DEFAULT_WEBHOOK_DESTINATION)));
  return { clients, faked };
}
