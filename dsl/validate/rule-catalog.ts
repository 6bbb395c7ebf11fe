import { CONFIG_FINDINGS } from './config.ts';
import type { Declared } from '../parse/diagnostics.ts';
import { RULES } from './rules/index.ts';
import { SCHEMA_FINDINGS } from './schema-check.ts';
import { SYNTAX_FINDINGS } from '../parse/source.ts';
import { FILE_FINDINGS } from './validate.ts';

/** Every pass of `flows validate`, each with the ids it declares where it reports them. */
const PASSES = [SYNTAX_FINDINGS, FILE_FINDINGS, SCHEMA_FINDINGS, CONFIG_FINDINGS, ...RULES] as const;

/** Each pass's ids, one type per id (a union of the passes' own). */
type IdsOf<T> = T extends Declared<infer Id> ? Id : never;

/** Every id a finding of `flows validate` can carry. */
export type RuleId = IdsOf<(typeof PASSES)[number]>;

/**
 * Every rule `flows validate` reports, with what it guards: made of what each pass declares
 * where it reports (a semantic rule in dsl/validate/rules/, the YAML, schema, file and config passes). A
 * diagnostic can only carry one of these ids (the type says so), and docs/validate-rules.md
 * documents each one (a test says so). An id declared twice, or used and never declared, is a
 * mistake found at load.
 */
export const RULE_CATALOG: Readonly<Record<RuleId, string>> = merge(PASSES);

function merge(passes: readonly Declared[]): Record<RuleId, string> {
  const all: Record<string, string> = {};
  for (const { ids } of passes) {
    for (const [id, summary] of Object.entries(ids)) {
      if (id in all) throw new Error(`rule id '${id}' is declared twice; declare it once and list it under \`uses\` elsewhere`);
      all[id] = summary;
    }
  }
  const undeclared = passes.flatMap((pass) => pass.uses).filter((id) => !(id in all));
  if (undeclared.length) throw new Error(`rule ids used but declared by no pass: ${undeclared.join(', ')}`);
  return all;
}
