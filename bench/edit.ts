/**
 * The comment-safe YAML writer (dsl/edit/): applyEdit on a generated flow of 200 steps (about
 * 1,000 lines, a comment above every step, a check with branches every fifth): a scalar set, an
 * added step and a moved step, each from the same text. Prints the median and p95 of each.
 * Usage: npm run bench:edit [-- --runs 50 --steps 200]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { applyEdit, type FlowEdit } from '../dsl/edit/index.ts';
import { loadConfig } from '../dsl/load/config.ts';
import { checkFlow } from '../dsl/validate/validate.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' }, steps: { type: 'string', default: '200' } } });
const runs = Number(values.runs);
const n = Number(values.steps);

/** A flow of `n` steps: sends and waits with a comment above each, a check every fifth step. */
function generated(count: number): string {
  const steps: string[] = [];
  for (let i = 0; i < count; i++) {
    steps.push(`  # step ${i}: what it is for`);
    if (i % 5 === 4) {
      steps.push(
        `  - id: check-${i}\n    check:\n      if: { event.attributes.points: { gte: ${i} } }\n` +
          `      then:\n        - add_to_list: { destination: sailthru, list: l-${i} }  # the list\n      else: []`,
      );
    } else if (i % 5 === 2) steps.push(`  - id: wait-${i}\n    wait: ${1 + (i % 9)}d`);
    else steps.push(`  - id: mail-${i}\n    send_email:\n      destination: sailthru\n      template: "t-${i}"`);
  }
  return `# a generated flow\nflow: generated-${count}\ntrigger: { event: sign_up }\nsteps:\n${steps.join('\n')}\n`;
}

const text = generated(n);
const errors = checkFlow('generated.yaml', text, loadConfig('flows.config.yaml').config, { compile: false }).diagnostics.filter(
  (d) => d.severity === 'error',
);
if (errors.length) throw new Error(`the generated flow does not validate: ${errors[0]!.message}`);

const middle = Math.floor(n / 2);
const edits: Array<[string, FlowEdit]> = [
  ['set (a wait)', { op: 'setStep', step: `wait-${middle - (middle % 5) + 2}`, key: 'wait', value: '5d' }],
  ['add (a step after the middle one)', { op: 'addStep', step: { wait: '1h' }, where: { after: `#${middle}` } }],
  ['move (the first step to the end)', { op: 'moveStep', step: '#1', where: { top: n } }],
];

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

console.log(`${n} steps, ${text.split('\n').length - 1} lines, ${runs} runs each (after 5 unmeasured)\n`);
console.log('| edit | median | p95 |');
console.log('| --- | ---: | ---: |');
for (const [name, edit] of edits) {
  const run = () => {
    const result = applyEdit(text, edit);
    if (!result.ok || result.text === text) throw new Error(`${name}: ${result.ok ? 'no change' : result.reason}`);
  };
  for (let i = 0; i < 5; i++) run();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  console.log(`| ${name} | ${percentile(times, 0.5).toFixed(1)} ms | ${percentile(times, 0.95).toFixed(1)} ms |`);
}
