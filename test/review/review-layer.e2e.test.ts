import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// review/ imports nothing of ours; cli/ and studio/ may import it (eslint.config.js LAYERS, docs/architecture.md).
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

describe('review/ in the layers', () => {
  it('refuses an import of any other folder from review/', async () => {
    expect(await problems('review/new.ts', "import { main } from '../cli/main.ts';\nexport const x = main;\n")).toEqual([
      expect.stringContaining('review/ may import only its own files'),
    ]);
    expect(
      await problems('review/new.ts', "import { checkProject } from '../dsl/load/project.ts';\nexport const x = checkProject;\n"),
    ).toHaveLength(1);
  });

  it('lets cli/ and studio/ import it, and not dsl/ or worker/', async () => {
    const code = "import { githubClient } from '../review/github.ts';\nexport const x = githubClient;\n";
    expect(await problems('cli/new.ts', code)).toEqual([]);
    expect(await problems('studio/new.ts', code)).toEqual([]);
    expect(await problems('dsl/new.ts', code)).toHaveLength(1);
    expect(await problems('worker/new.ts', code)).toHaveLength(1);
  });
});
