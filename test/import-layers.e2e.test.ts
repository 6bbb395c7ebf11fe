import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The lint rule that keeps imports pointing down the layers (eslint.config.js, docs/architecture.md).
// The snippets below are files that do not exist: linted without type information, which needs a file on disk.
const eslint = new ESLint({
  overrideConfig: {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
      '@typescript-eslint/await-thenable': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
});
const problems = async (file: string, code: string) =>
  (await eslint.lintText(code, { filePath: file }))[0]!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);

describe('imports point one way', () => {
  it('refuses a back-import from a lower layer to a higher one', async () => {
    expect(await problems('dsl/new-rule.ts', "import { main } from '../cli/main.ts';\nexport const x = main;\n")).toEqual([
      expect.stringContaining('dsl/ may import only its own files'),
    ]);
    expect(
      await problems(
        'destinations/new-client.ts',
        "import type { FlowRunInput } from '../workflows/input.ts';\nexport type X = FlowRunInput;\n",
      ),
    ).toHaveLength(1);
    expect(
      await problems(
        'workflows/steps/new-step.ts',
        "import { startWorkers } from '../../worker/start.ts';\nexport const x = startWorkers;\n",
      ),
    ).toHaveLength(1);
  });

  it('refuses product code importing tests or benchmarks', async () => {
    expect(
      await problems('worker/x.ts', "import { harness } from '../test/helpers/temporal.ts';\nexport const x = harness;\n"),
    ).toHaveLength(1);
  });

  it('allows imports down the layers', async () => {
    expect(
      await problems(
        'activities/x.ts',
        "import { evaluate } from '../dsl/language/evaluate.ts';\nimport { httpClient } from '../destinations/clients.ts';\nexport const x = [evaluate, httpClient];\n",
      ),
    ).toEqual([]);
    expect(await problems('cli/x.ts', "import { buildIngest } from '../ingest/server.ts';\nexport const x = buildIngest;\n")).toEqual([]);
  });

  it('keeps dsl/ in stages: the language runs in workflows and reads nothing; only load/ reads files', async () => {
    expect(
      await problems('dsl/language/new.ts', "import { checkFlow } from '../validate/validate.ts';\nexport const x = checkFlow;\n"),
    ).toEqual([expect.stringContaining('dsl/validate/ comes after it')]);
    expect(
      await problems(
        'dsl/validate/rules/new.ts',
        "import { checkProject } from '../../load/project.ts';\nexport const x = checkProject;\n",
      ),
    ).toHaveLength(1);
    expect(
      await problems(
        'workflows/steps/new.ts',
        "import { checkFlow } from '../../dsl/validate/validate.ts';\nexport const x = checkFlow;\n",
      ),
    ).toEqual([expect.stringContaining('does not run inside workflows')]);
    expect(
      await problems('dsl/load/new.ts', "import { checkFlow } from '../validate/validate.ts';\nexport const x = checkFlow;\n"),
    ).toEqual([]);
  });
});

describe('dsl/edit/ stays browser-safe (the studio bundles it)', () => {
  it('refuses a Node module, parse/source.ts and a later stage; takes yaml, language/ and parse/walk.ts', async () => {
    expect(await problems('dsl/edit/new.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toEqual([
      expect.stringContaining('no Node modules'),
    ]);
    expect(await problems('dsl/edit/new.ts', "import { parseSource } from '../parse/source.ts';\nexport const x = parseSource;\n")).toEqual(
      [expect.stringContaining('it may import only walk.ts')],
    );
    expect(
      await problems('dsl/edit/new.ts', "import { checkFlow } from '../validate/validate.ts';\nexport const x = checkFlow;\n"),
    ).toEqual([expect.stringContaining('dsl/validate/ comes after it')]);
    expect(
      await problems(
        'dsl/edit/new.ts',
        "import { parse } from 'yaml';\nimport { allSteps } from '../parse/walk.ts';\nimport { isStepKind } from '../language/step-kinds.ts';\nexport const x = [parse, allSteps, isStepKind];\n",
      ),
    ).toEqual([]);
  });
});

describe('no import cycles', () => {
  it('refuses two product modules that import each other, and passes the product as it is', async () => {
    const dir = join('workflows', `cycle-probe-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.ts';\nexport const a = (): number => b() + 1;\n");
      writeFileSync(join(dir, 'b.ts'), "import { a } from './a.ts';\nexport const b = (): number => a() - 1;\n");
      const [a] = await eslint.lintFiles([join(dir, 'a.ts')]);
      expect(a!.messages.map((m) => m.ruleId)).toContain('import-x/no-cycle');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const product = await eslint.lintFiles(['dsl/**/*.ts', 'workflows/**/*.ts', 'ingest/**/*.ts']);
    expect(product.flatMap((r) => r.messages.filter((m) => m.ruleId === 'import-x/no-cycle'))).toEqual([]);
  }, 60_000);
});
