import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_CATALOG } from '../../../dsl/validate/rule-catalog.ts';
import { RULES } from '../../../dsl/validate/rules/index.ts';
import { loadSchema, WORDED_DEFS } from '../../../dsl/validate/schema-check.ts';

describe('the rule catalog is made of what each pass declares', () => {
  it('every rule documented in docs/validate-rules.md is declared by a pass (no section for a rule that is gone)', () => {
    const documented = [...readFileSync('docs/validate-rules.md', 'utf8').matchAll(/^### `([a-z-]+)`/gm)].map((m) => m[1]!);
    expect(documented.length).toBeGreaterThan(40);
    for (const id of documented) expect(Object.keys(RULE_CATALOG), id).toContain(id);
  });

  it('every id a rule reports without declaring it (uses) is declared by another pass', () => {
    const used = RULES.flatMap((rule) => rule.uses);
    expect(used).toContain('time-zone');
    for (const id of used) expect(Object.keys(RULE_CATALOG), id).toContain(id);
  });

  it('every $defs name the schema pass words its findings by exists in its schema, so a rename cannot silently change a finding', () => {
    // The pass can compare only with the names listed (a type made of WORDED_DEFS); each must be in the schema it is listed for.
    expect(WORDED_DEFS.flow).toContain('flowId');
    expect(WORDED_DEFS.flow).toContain('stepObject');
    for (const name of ['flow', 'config'] as const) {
      const defs = Object.keys(loadSchema(name).$defs as object);
      for (const def of WORDED_DEFS[name]) expect(defs, `${name}: ${def}`).toContain(def);
    }
  });
});
