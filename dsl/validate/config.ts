import { DESTINATION_TYPES, type DestinationType } from '../language/capabilities.ts';
import { emptyConfig, type DestinationConfig, type FlowsConfig } from '../language/config.ts';
import { declareFindings, type Diagnostic, type FindingOptions } from '../parse/diagnostics.ts';
import { schemaFindings } from './schema-check.ts';
import { locate, parseSource, type SourceFile } from '../parse/source.ts';
import type { DataPath } from '../language/data-path.ts';
import { envName, hasUserInfo, isLiteralCredential } from './secrets.ts';
import { GUARDRAIL_RULES, readGuardrails } from '../language/guardrails.ts';
import { isTimeZone } from '../language/time-zones.ts';

/** What only flows.config.yaml is checked for, besides its schema (it also reports ids the flow checks declare). */
export const CONFIG_FINDINGS = declareFindings({
  ids: {
    'webhook-allowed-hosts': 'a webhook destination with headers but no allowed_hosts, which calls no host',
  },
  uses: ['literal-secret', ...GUARDRAIL_RULES],
});

export interface ConfigResult {
  config: FlowsConfig;
  diagnostics: Diagnostic[];
}

/**
 * Checks the text of flows.config.yaml (load/config.ts reads the file). Past a schema error the other checks still run (at places
 * the schema did not refuse) and the destinations with a known type are still read, so one run
 * reports everything and flows are not all told their destination is undefined. A config with
 * an error is for reporting only: every command that runs flows refuses it.
 */
export function checkConfig(file: string, text: string): ConfigResult {
  const { source, diagnostics } = parseSource(file, text);
  if (!source) return { config: { ...emptyConfig(), file }, diagnostics };
  if (source.data === null || source.data === undefined) return { config: { ...emptyConfig(), file }, diagnostics };
  const schema = schemaFindings('config', source.data, { file, locate: (path, target) => locate(source, path, target) });
  const refused = (path: DataPath) => schema.some((f) => f.path.length <= path.length && f.path.every((s, i) => s === path[i]));
  const raw = isRecord(source.data) ? source.data : {};
  const found = semanticConfigChecks(source, raw).filter((d) => !refused(d.path));
  const destinations = new Map<string, DestinationConfig>();
  const unusable = new Set<string>();
  for (const [name, settings] of Object.entries(isRecord(raw.destinations) ? raw.destinations : {})) {
    const type = isRecord(settings) ? settings.type : undefined;
    if (isRecord(settings) && typeof type === 'string' && (DESTINATION_TYPES as string[]).includes(type)) {
      destinations.set(name, { ...settings, name, type: type as DestinationType });
    } else unusable.add(name);
  }
  const timezone = typeof raw.timezone === 'string' && isTimeZone(raw.timezone) ? raw.timezone : 'UTC';
  const retry = isRecord(raw.retry) ? (raw.retry as FlowsConfig['retry']) : undefined;
  const { guardrails } = readGuardrails(raw);
  return {
    config: { file, timezone, retry, destinations, ...(guardrails ? { guardrails } : {}), ...(unusable.size ? { unusable } : {}) },
    diagnostics: [...diagnostics, ...schema.map((f) => f.diagnostic), ...found.map((f) => f.diagnostic)],
  };
}

interface Found {
  diagnostic: Diagnostic;
  path: DataPath;
}

function semanticConfigChecks(source: SourceFile, raw: Record<string, unknown>): Found[] {
  const out: Found[] = [];
  type Rule = Parameters<typeof CONFIG_FINDINGS.finding>[2];
  const report = (path: DataPath, rule: Rule, message: string, options?: FindingOptions, target?: 'key') =>
    out.push({ path, diagnostic: CONFIG_FINDINGS.finding(source.file, locate(source, path, target), rule, message, options) });
  if (typeof raw.timezone === 'string' && !isTimeZone(raw.timezone)) {
    report(['timezone'], 'time-zone', `'${raw.timezone}' is not an IANA time zone`, { hint: 'e.g. America/New_York, Europe/London, UTC' });
  }
  for (const f of readGuardrails(raw).findings) report(f.path, f.rule, f.message, { hint: f.hint });
  for (const [name, settings] of Object.entries(isRecord(raw.destinations) ? raw.destinations : {})) {
    if (!isRecord(settings)) continue;
    const headers = isRecord(settings.headers) ? settings.headers : {};
    for (const [header, value] of Object.entries(headers)) {
      if (typeof value === 'string' && isLiteralCredential(header, value, false)) {
        report(
          ['destinations', name, 'headers', header],
          'literal-secret',
          `header '${header}' of destination '${name}' holds a literal credential`,
          {
            hint: `put the secret in an environment variable and write it as \${VAR}, e.g. "Bearer \${${envName(name, 'token')}}"`,
            sensitive: true,
          },
        );
      }
    }
    // base_url, and any other URL setting: a password before the host is a secret in the file.
    for (const [key, value] of Object.entries(settings)) {
      if (typeof value === 'string' && hasUserInfo(value)) {
        report(
          ['destinations', name, key],
          'literal-secret',
          `${key} of destination '${name}' carries a user name or password before its host`,
          {
            hint: `remove the user:password@ part; credentials go in the destination's \${ENV_VAR} settings or headers`,
            sensitive: true,
          },
        );
      }
    }
    // destinations/webhook.ts sends a destination's headers only to its allowed_hosts: without them, it calls nothing.
    if (settings.type === 'webhook' && Object.keys(headers).length > 0 && settings.allowed_hosts === undefined) {
      report(
        ['destinations', name, 'headers'],
        'webhook-allowed-hosts',
        `webhook destination '${name}' has headers but no allowed_hosts, so it calls no host: every step through it would fail`,
        {
          hint:
            'list the hosts its headers may go to, e.g. `allowed_hosts: [hooks.example.com]` (or *.example.com); ' +
            'see docs/destinations.md#webhooks',
        },
        'key',
      );
    }
  }
  return out;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
