import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSchema } from '../dsl/validate/schema-check.ts';
import { RULE_CATALOG } from '../dsl/validate/rule-catalog.ts';
import { STEP_KINDS } from '../dsl/language/step-kinds.ts';
import { checkFlow } from '../dsl/validate/validate.ts';

const rulesDoc = readFileSync('docs/validate-rules.md', 'utf8');
const languageDoc = readFileSync('docs/flow-language.md', 'utf8');
const testSources = readdirSync('test', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => readFileSync(join('test', f), 'utf8'))
  .join('\n');

describe('docs and tests keep up with the rules', () => {
  for (const rule of Object.keys(RULE_CATALOG)) {
    it(`${rule} is documented and tested`, () => {
      expect(rulesDoc).toContain(`### \`${rule}\``);
      if (rule !== 'schema') expect(testSources).toMatch(new RegExp(`(#!|rule: ')[^\\n]*\\b${rule}\\b`));
    });
  }

  it('the language reference names every step kind and every key of every step', () => {
    const defs = loadSchema('flow').$defs as Record<string, { properties?: Record<string, unknown> }>;
    for (const kind of STEP_KINDS) expect(languageDoc, kind).toContain(`\`${kind}\``);
    for (const def of [
      'set_var',
      'send_email',
      'send_push',
      'send_sms',
      'listChange',
      'send_event',
      'webhook',
      'wait_until',
      'wait_for',
      'check',
      'trigger',
      'entry',
      'operators',
      'goal',
      'splitObject',
      'splitBranch',
      'pickWinner',
      'activeWindow',
    ]) {
      for (const key of Object.keys(defs[def]!.properties ?? {})) expect(languageDoc, `${def}.${key}`).toContain(`\`${key}`);
    }
  });
});

describe('an empty flow file', () => {
  it('is reported at line 1', () => {
    expect(checkFlow('empty.yaml', '# nothing yet\n').diagnostics).toMatchObject([{ line: 1, rule: 'empty-file' }]);
  });
});
