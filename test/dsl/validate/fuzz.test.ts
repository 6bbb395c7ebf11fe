import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { loadConfig } from '../../../dsl/load/config.ts';
import { checkFlow } from '../../../dsl/validate/validate.ts';
import { mutate, random } from '../../helpers/mutate.ts';

const config = loadConfig('flows.config.yaml').config;
const examples = readdirSync('flows').map((f) => readFileSync(join('flows', f), 'utf8'));
const configText = readFileSync('flows.config.yaml', 'utf8');
const ROUNDS = 2000;

describe('mutated flow files never crash the validator', () => {
  it(`${ROUNDS} mutations each yield diagnostics with a place, or a compiled flow`, () => {
    const next = random(20261123);
    let rejected = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let text = examples[round % examples.length]!;
      const edits = 1 + Math.floor(next() * 3);
      for (let e = 0; e < edits; e++) text = mutate(text, next);
      let result;
      try {
        result = checkFlow('fuzz.yaml', text, config);
      } catch (error) {
        throw new Error(`round ${round} crashed: ${(error as Error).stack}\n--- input ---\n${text}`);
      }
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      expect(result.ir === undefined, `round ${round}`).toBe(errors.length > 0);
      for (const d of result.diagnostics) {
        expect(d.line, `round ${round}: ${d.message}`).toBeGreaterThanOrEqual(1);
        expect(d.column).toBeGreaterThanOrEqual(1);
        expect(d.message).not.toContain('undefined');
      }
      if (errors.length) rejected++;
    }
    // The mutations must actually break most files, or this test proves little.
    expect(rejected).toBeGreaterThan(ROUNDS / 2);
  });

  it('mutated config files never crash loading', () => {
    const next = random(7);
    for (let round = 0; round < 500; round++) {
      const text = mutate(mutate(configText, next), next);
      expect(() => loadConfig('flows.config.yaml', text), `round ${round}\n${text}`).not.toThrow();
    }
  });

  it('the CLI answers 0 or 1 with output for mutated files, in every format', async () => {
    const next = random(42);
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-cli-'));
    writeFileSync(join(dir, 'flows.config.yaml'), configText);
    for (let round = 0; round < 60; round++) {
      const file = join(dir, `f${round}.yaml`);
      writeFileSync(file, mutate(mutate(examples[round % examples.length]!, next), next));
      for (const format of ['text', 'json', 'github']) {
        let out = '';
        const code = await main(['validate', file, '--format', format], { cwd: dir, out: (t) => (out += t), err: (t) => (out += t) });
        expect([0, 1]).toContain(code);
        if (format === 'json') expect(Array.isArray(JSON.parse(out))).toBe(true);
        else if (format === 'text') expect(out.length).toBeGreaterThan(0);
      }
    }
  });
});
