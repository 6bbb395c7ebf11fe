import type { DestinationConfig } from '../dsl/language/config.ts';
import { envReferences, resolveEnvReferences } from '../dsl/language/env-references.ts';
import { loadSchema } from '../dsl/validate/schema-check.ts';
import { DESTINATION_TYPES, type DestinationType } from '../dsl/language/capabilities.ts';

/** A secret is never shown; an account id (`site_id`, `account_id`, `app_id`) may be, but still authenticates. */
export type CredentialKind = 'secret' | 'id';

/**
 * Per destination type, the settings that authenticate: read from the config schema, where a
 * secret is a `secretRef` and an account id an `idOrRef`, so the two never disagree. A webhook's
 * headers that read a `${VAR}` are its credentials.
 */
const CREDENTIAL_SETTINGS: Record<DestinationType, Record<string, CredentialKind>> = (() => {
  const defs = loadSchema('config').$defs as Record<string, { properties?: Record<string, { $ref?: string }> }>;
  const kind = (ref?: string): CredentialKind | undefined =>
    ref === '#/$defs/secretRef' ? 'secret' : ref === '#/$defs/idOrRef' ? 'id' : undefined;
  return Object.fromEntries(
    DESTINATION_TYPES.map((type) => [
      type,
      Object.fromEntries(Object.entries(defs[type]?.properties ?? {}).flatMap(([key, p]) => (kind(p.$ref) ? [[key, kind(p.$ref)!]] : []))),
    ]),
  ) as Record<DestinationType, Record<string, CredentialKind>>;
})();

/** The credential texts of a destination as written in the config (with their `${VAR}`s), and their kind. */
function credentialTexts(config: DestinationConfig): Array<{ text: string; kind: CredentialKind }> {
  const settings = Object.entries(CREDENTIAL_SETTINGS[config.type] ?? {})
    .filter(([key]) => config[key] !== undefined)
    .map(([key, kind]) => ({ text: String(config[key]), kind }));
  // Validation makes a credential header hold a `${VAR}`; other headers (Content-Type…) are not secrets.
  const headers = Object.values((config.headers ?? {}) as Record<string, unknown>)
    .filter((v) => envReferences(String(v)).length > 0)
    .map((v) => ({ text: String(v), kind: 'secret' as const }));
  return [...settings, ...headers];
}

/** The environment variables a destination's credentials are read from. */
export const credentialEnvNames = (config: DestinationConfig): string[] => [
  ...new Set(credentialTexts(config).flatMap((c) => envReferences(c.text))),
];

/**
 * The secret values a destination is configured with (each referenced variable's value and
 * each resolved setting): what an error message must never contain.
 */
export function secretValues(config: DestinationConfig, env: NodeJS.ProcessEnv): string[] {
  return credentialTexts(config)
    .filter((c) => c.kind === 'secret')
    .flatMap((c) => [resolveEnvReferences(c.text, env), ...envReferences(c.text).map((name) => env[name] ?? '')])
    .filter((s) => s.length > 0);
}
