import { CONFIG_RULES } from './config.ts';
import { RULES } from './rules/index.ts';
import { SCHEMA_RULES } from './schema-check.ts';
import { SYNTAX_RULES } from './source.ts';
import { FILE_RULES } from './validate.ts';

/** Each rule's ids, one type per id (a union of the rules' own). */
type IdsOf<T> = T extends unknown ? keyof T & string : never;

/**
 * Every rule `flows validate` reports, with what it guards: made of what each pass declares
 * where it reports (a semantic rule in dsl/rules/, the YAML, schema, file and config passes). A
 * diagnostic can only carry one of these ids (the type says so), and docs/validate-rules.md
 * documents each one (a test says so). An id declared twice is a mistake found at load.
 */
export const RULE_CATALOG: Readonly<Record<RuleId, string>> = merge([
  SYNTAX_RULES,
  FILE_RULES,
  SCHEMA_RULES,
  CONFIG_RULES,
  ...RULES.map((rule) => rule.ids),
]);

export type RuleId =
  IdsOf<typeof SYNTAX_RULES | typeof FILE_RULES | typeof SCHEMA_RULES | typeof CONFIG_RULES> | IdsOf<(typeof RULES)[number]['ids']>;

function merge(parts: ReadonlyArray<Readonly<Record<string, string>>>): Record<RuleId, string> {
  const all: Record<string, string> = {};
  for (const part of parts) {
    for (const [id, summary] of Object.entries(part)) {
      if (id in all) throw new Error(`rule id '${id}' is declared twice; declare it once and list it under \`uses\` elsewhere`);
      all[id] = summary;
    }
  }
  return all as Record<RuleId, string>;
}
