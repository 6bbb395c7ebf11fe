import { readFileSync } from 'node:fs';
import type { DestinationType } from '../destinations/capabilities.ts';
import type { Diagnostic } from './diagnostics.ts';
import { checkSchema } from './schema-check.ts';
import { locate, parseSource, type SourceFile } from './source.ts';
import { envName, hasUserInfo, isLiteralCredential } from './secrets.ts';
import { isTimeZone } from './time-zones.ts';

export const DEFAULT_CONFIG_FILE = 'flows.config.yaml';

export interface DestinationConfig {
  name: string;
  type: DestinationType;
  [setting: string]: unknown;
}

/** flows.config.yaml as the rest of Flowline reads it. */
export interface FlowsConfig {
  file?: string;
  timezone: string;
  retry?: { attempts?: number; backoff?: string };
  destinations: Map<string, DestinationConfig>;
}

export const emptyConfig = (): FlowsConfig => ({ timezone: 'UTC', destinations: new Map() });

export interface ConfigResult {
  config: FlowsConfig;
  diagnostics: Diagnostic[];
}

export function loadConfig(file: string, text = readFileSync(file, 'utf8')): ConfigResult {
  const { source, diagnostics } = parseSource(file, text);
  if (!source) return { config: { ...emptyConfig(), file }, diagnostics };
  if (source.data === null || source.data === undefined) return { config: { ...emptyConfig(), file }, diagnostics };
  const schema = checkSchema('config', source);
  if (schema.length > 0) return { config: { ...emptyConfig(), file }, diagnostics: [...diagnostics, ...schema] };
  const raw = source.data as { timezone?: string; retry?: FlowsConfig['retry']; destinations?: Record<string, Record<string, unknown>> };
  const found = semanticConfigChecks(source, raw);
  const destinations = new Map<string, DestinationConfig>();
  for (const [name, settings] of Object.entries(raw.destinations ?? {})) {
    destinations.set(name, { ...settings, name, type: settings.type as DestinationType });
  }
  return { config: { file, timezone: raw.timezone ?? 'UTC', retry: raw.retry, destinations }, diagnostics: [...diagnostics, ...found] };
}

function semanticConfigChecks(source: SourceFile, raw: { timezone?: string; destinations?: Record<string, Record<string, unknown>> }): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (raw.timezone !== undefined && !isTimeZone(raw.timezone)) {
    out.push({
      ...locate(source, ['timezone']),
      file: source.file,
      severity: 'error',
      rule: 'time-zone',
      message: `'${raw.timezone}' is not an IANA time zone`,
      hint: 'e.g. America/New_York, Europe/London, UTC',
    });
  }
  for (const [name, settings] of Object.entries(raw.destinations ?? {})) {
    const headers = (settings.headers ?? {}) as Record<string, string>;
    for (const [header, value] of Object.entries(headers)) {
      if (isLiteralCredential(header, value, false)) {
        out.push({
          ...locate(source, ['destinations', name, 'headers', header]),
          file: source.file,
          severity: 'error',
          rule: 'literal-secret',
          message: `header '${header}' of destination '${name}' holds a literal credential`,
          hint: `put the secret in an environment variable and write it as \${VAR}, e.g. "Bearer \${${envName(name, 'token')}}"`,
          sensitive: true,
        });
      }
    }
    // base_url, and any other URL setting: a password before the host is a secret in the file.
    for (const [key, value] of Object.entries(settings)) {
      if (typeof value === 'string' && hasUserInfo(value)) {
        out.push({
          ...locate(source, ['destinations', name, key]),
          file: source.file,
          severity: 'error',
          rule: 'literal-secret',
          message: `${key} of destination '${name}' carries a user name or password before its host`,
          hint: `remove the user:password@ part; credentials go in the destination's \${ENV_VAR} settings or headers`,
          sensitive: true,
        });
      }
    }
  }
  return out;
}
