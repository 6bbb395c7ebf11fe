import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { checkProject } from '../../dsl/load/project.ts';
import { irSteps } from '../../dsl/language/ir.ts';
import { layoutFlow } from '../../studio/graph/layout.ts';

async function graph(...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['graph', ...args], { cwd: process.cwd(), out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const flows = checkProject().flows;

describe('flows graph --format svg', () => {
  it('draws one box per step of the IR, with the trigger, labelled branches and the ways out, with no server', async () => {
    const { code, out } = await graph('flows/sailthru-welcome-series.yaml', '--format', 'svg');
    expect(code).toBe(0);
    expect(out).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const ir = flows.find((f) => f.flow === 'sailthru-welcome-series')!;
    for (const step of irSteps(ir.steps)) expect(out).toContain(`data-step="${step.id}"`);
    expect(out.match(/<g class="node /g)).toHaveLength([...irSteps(ir.steps)].length + 3); // trigger, done, exit when purchase
    expect(out).toContain('>event: sign_up</text>');
    expect(out).toContain('>then: app_open</text>');
    expect(out).toContain('>else: after 2d</text>');
    expect(out).toContain('>exit when purchase</text>');
    expect(out).toContain('data-branch="timeout"');
    // No numbers without the studio: the boxes are the same picture, without the rows of counts.
    expect(out).not.toContain('data-stat');
  });

  it('escapes what flow authors wrote, so a picture cannot carry markup', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'graph-')), 'x.yaml');
    writeFileSync(
      file,
      'flow: x\nname: "<script>alert(1)</script>"\ntrigger: { event: a }\nsteps:\n  - check: { if: { event.attributes.q: { eq: "a<b&c" } }, then: [], else: [] }\n',
    );
    const { out } = await graph(file, '--format', 'svg');
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('a&lt;b&amp;c');
  });

  it('lays out every example flow, with and without numbers, with no two boxes overlapping', async () => {
    for (const flow of flows) {
      for (const numbers of [false, true]) {
        const { nodes } = await layoutFlow(flow, { numbers });
        expect(nodes.filter((n) => n.step !== undefined)).toHaveLength([...irSteps(flow.steps)].length);
        for (const [i, a] of nodes.entries()) {
          for (const b of nodes.slice(i + 1)) {
            const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
            expect(apart, `${flow.flow}: ${a.lines[0]} overlaps ${b.lines[0]}`).toBe(true);
          }
        }
        // The trigger is drawn above every step.
        const trigger = nodes.find((n) => n.role === 'trigger')!;
        for (const n of nodes.filter((n) => n.step !== undefined)) expect(n.y).toBeGreaterThan(trigger.y);
      }
    }
  });

  it('gives each box the numbers its step can have: waits "here now", destination steps sent/failed/retried, branches per branch', async () => {
    const ir = flows.find((f) => f.flow === 'sailthru-welcome-series')!;
    const { nodes } = await layoutFlow(ir, { numbers: true });
    const keys = (step: string) =>
      nodes
        .find((n) => n.step === step)!
        .stats.flat()
        .map((s) => s.key);
    expect(keys('wait-for-app-open')).toEqual(['entered', 'exited', 'now', 'branch:event', 'branch:timeout']);
    expect(keys('welcome-email')).toEqual([
      'entered',
      'exited',
      'sent',
      'failed',
      'retried',
      'capped',
      'delayed',
      'suppressed',
      'skipped_quiet',
    ]);
    expect(keys('vip-check')).toEqual(['entered', 'exited', 'branch:then', 'branch:else']);
    expect(keys('#4')).toEqual(['entered', 'exited', 'now']);
    const split = flows.find((f) => f.flow === 'clevertap-cart-drop-off')!;
    const splitNode = (await layoutFlow(split, { numbers: true })).nodes.find((n) => n.role === 'split')!;
    expect(splitNode.stats.flat().map((s) => s.key)).toEqual(['entered', 'exited', 'branch:push-first', 'branch:control']);
  });
});
