import type { DestinationConfig } from '../dsl/language/config.ts';
import { parseDuration } from '../dsl/language/durations.ts';
import { resolveEnvReferences } from '../dsl/language/env-references.ts';
import { secretValues } from './credentials.ts';
import { DEFAULT_TIMEOUT_MS } from '../dsl/language/destination-defaults.ts';

/** A destination's settings with every `${VAR}` replaced by its value: only ever held in memory. */
export interface ClientSettings {
  name: string;
  timeoutMs: number;
  /** Resolved settings; secrets included. Never logged, never put in an error. */
  get(key: string): string | undefined;
  /** Any text with `${VAR}` references, resolved the same way (webhook headers). */
  resolve(text: string): string;
  baseUrl(defaultUrl: string): string;
  /** The resolved secrets: what errors are scrubbed of. */
  secrets: string[];
  raw: DestinationConfig;
}

export function resolveSettings(config: DestinationConfig, env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const resolve = (value: unknown): string | undefined => (value === undefined ? undefined : resolveEnvReferences(String(value), env));
  return {
    name: config.name,
    timeoutMs: parseDuration(String(config.timeout ?? '')) ?? DEFAULT_TIMEOUT_MS,
    get: (key) => resolve(config[key]),
    resolve: (text) => resolve(text)!,
    baseUrl: (defaultUrl) => String(config.base_url ?? defaultUrl).replace(/\/+$/, ''),
    secrets: secretValues(config, env),
    raw: config,
  };
}
