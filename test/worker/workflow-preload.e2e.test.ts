import { expect, it } from 'vitest';
import { workflowBundle } from '../../worker/bundle.ts';

// The preload only saves work when it evaluates the very modules the interpreter imports: an
// import webpack drops (a side-effect-free package) or resolves to another build (a require picks
// the CommonJS one) leaves every run evaluating them again, silently.
it('preloads luxon, re2js and the interpreter itself as the modules each run imports', async () => {
  const code = (await workflowBundle()).code;
  const preload = code.slice(code.indexOf('preloadModules = function'), code.indexOf('importWorkflows = function'));
  expect(preload).toContain('"./workflows/preload.ts"');
  // The module's definition: its id, then webpack's banner comment.
  const at = code.search(/"\.\/workflows\/preload\.ts"\s*:?\s*\/\*!/);
  const end = code.indexOf('/***/ "', at + 10);
  const body = code.slice(at, end < 0 ? undefined : end);
  for (const name of ['luxon', 're2js']) {
    const ids = new Set([...code.matchAll(new RegExp(`__webpack_require__\\(/\\*! ${name} \\*/ "([^"]+)"\\)`, 'g'))].map((m) => m[1]));
    expect(ids.size, `${name} resolves to one module`).toBe(1);
    expect(body).toContain(`"${[...ids][0]}"`);
  }
  // The workflow entry each run imports is the preloaded one: its modules are evaluated once per context.
  expect(body).toContain('"./workflows/index.ts"');
});
