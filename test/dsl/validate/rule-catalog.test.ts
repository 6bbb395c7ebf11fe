import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_CATALOG } from '../../../dsl/validate/rule-catalog.ts';
import { RULES } from '../../../dsl/validate/rules/index.ts';
import { loadSchema } from '../../../dsl/validate/schema-check.ts';

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

  it('every $defs name the schema pass picks a finding by exists in a schema, so a rename cannot silently change a finding', () => {
    const source = readFileSync('dsl/validate/schema-check.ts', 'utf8');
    const start = source.indexOf('function patternDiagnostic(');
    const byPattern = source.slice(start, source.indexOf('\n}\n', start));
    const named = new Set([
      ...[...source.matchAll(/def === '(\w+)'/g)].map((m) => m[1]!),
      ...[...byPattern.matchAll(/case '(\w+)':/g)].map((m) => m[1]!),
    ]);
    expect(named).toContain('flowId');
    expect(named).toContain('stepObject');
    const defs = { ...(loadSchema('flow').$defs as object), ...(loadSchema('config').$defs as object) };
    for (const def of named) expect(Object.keys(defs), def).toContain(def);
  });
});
