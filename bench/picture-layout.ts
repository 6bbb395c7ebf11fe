/**
 * The studio's picture: ELK's layout of each example flow, and of generated flows of 50, 100 and
 * 200 steps (a check every fifth step, so branches join), as the flow page asks for it (with room
 * for numbers). Prints the first layout in the process (ELK warming up) and the median and p95 of
 * the next ones. The studio lays a version out once and keeps it (studio/pictures.ts): these are
 * the cost of the first page that shows a version.
 * Usage: npm run bench:picture [-- --runs 20]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { checkProject } from '../dsl/load/project.ts';
import { loadConfig } from '../dsl/load/config.ts';
import { checkFlow } from '../dsl/validate/validate.ts';
import { irSteps, type FlowIR } from '../dsl/language/ir.ts';
import { layoutFlow } from '../studio/graph/layout.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);

/** A flow of `n` steps: sends and waits, with a check every fifth step whose branches join again. */
function generated(n: number): FlowIR {
  const steps: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 5 === 4) {
      steps.push(
        `  - id: check-${i}\n    check:\n      if: { event.attributes.points: { gte: ${i} } }\n` +
          `      then:\n        - add_to_list: { destination: sailthru, list: l-${i} }\n      else: []`,
      );
    } else if (i % 5 === 2) steps.push(`  - id: wait-${i}\n    wait: ${1 + (i % 9)}d`);
    else steps.push(`  - id: mail-${i}\n    send_email: { destination: sailthru, template: t-${i} }`);
  }
  const text = `flow: generated-${n}\nname: Generated ${n}\ntrigger: { event: sign_up }\nexit_when:\n  - event: purchase\nsteps:\n${steps.join('\n')}\n`;
  const result = checkFlow(`flows/generated-${n}.yaml`, text, loadConfig('flows.config.yaml').config);
  if (!result.ir) throw new Error(`generated flow does not compile: ${JSON.stringify(result.diagnostics.slice(0, 2))}`);
  return result.ir;
}

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

const flows = [...checkProject({ cwd: process.cwd() }).flows, ...[50, 100, 200].map(generated)];
const t0 = performance.now();
await layoutFlow(flows[0]!, { numbers: true });
console.log(`first layout in the process (ELK warming up): ${(performance.now() - t0).toFixed(0)} ms\n`);
console.log('| flow | steps | boxes | median | p95 |');
console.log('| --- | --- | --- | --- | --- |');
for (const flow of flows) {
  const times: number[] = [];
  let boxes = 0;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    boxes = (await layoutFlow(flow, { numbers: true })).nodes.length;
    times.push(performance.now() - start);
  }
  console.log(
    `| ${flow.flow} | ${[...irSteps(flow.steps)].length} | ${boxes} | ${percentile(times, 0.5).toFixed(1)} ms | ${percentile(times, 0.95).toFixed(1)} ms |`,
  );
}
