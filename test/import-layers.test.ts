import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The lint rule that keeps imports pointing down the layers (eslint.config.js, docs/architecture.md).
const eslint = new ESLint();
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
        "import { evaluate } from '../dsl/evaluate.ts';\nimport { httpClient } from '../destinations/clients.ts';\nexport const x = [evaluate, httpClient];\n",
      ),
    ).toEqual([]);
    expect(await problems('cli/x.ts', "import { buildIngest } from '../ingest/server.ts';\nexport const x = buildIngest;\n")).toEqual([]);
  });
});
