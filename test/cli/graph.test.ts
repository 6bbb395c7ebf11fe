import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';

async function graph(...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['graph', ...args], { cwd: process.cwd(), out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('flows graph', () => {
  it('draws the trigger, every step and labelled branches in Mermaid', async () => {
    const { code, out } = await graph('flows/sailthru-welcome-series.yaml');
    expect(code).toBe(0);
    expect(out).toContain('flowchart TD');
    expect(out).toContain('n0(["event: sign_up<br/>where plan is one of pro, team"])');
    expect(out).toContain('n5 -->|"then: app_open"| n6');
    expect(out).toContain('n5 -->|"else: after 2d"| n7');
    expect(out).toMatch(/n8 -->\|"then"\| n9/);
    expect(out).toMatch(/n8 -->\|"else"\| n11/);
    // both branches of the check join again at the step after it
    expect(out).toContain('n10 --> n12');
    expect(out).toContain('n11 --> n12');
    expect(out.match(/^ {2}n\d+[[({/]/gm)).toHaveLength(15);
  });

  it('shows the ways out of a run: exit_when from any step, and a failed step with on_error: exit', async () => {
    const { out } = await graph('flows/sailthru-welcome-series.yaml');
    expect(out).toContain('n14(("exit when purchase"))');
    expect(out).toContain('n0 -->|"at any step"| n14');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'graph-'));
    const file = join(dir, 'exits.yaml');
    writeFileSync(
      file,
      'flow: exits\ntrigger: { event: a }\nexit_when:\n  - event: b\n    where: { event.attributes.x: { eq: 1 } }\nsteps:\n  - webhook: { url: "https://example.com/x" }\n    on_error: exit\n',
    );
    const exits = await graph(file);
    expect(exits.out).toContain('exit when b<br/>where x = 1');
    expect(exits.out).toContain('n1 -->|"on error"| n4');
    expect(exits.out).toContain('n4(("exit (step failed)"))');
  });

  it('labels split branches with their names and percents, and ends exits in an exit node', async () => {
    const { out } = await graph('flows/clevertap-cart-drop-off.yaml');
    expect(out).toContain('|"push-first 50%"|');
    expect(out).toContain('|"control 50%"|');
    expect(out).toContain('|"else: after 1d"|');
  });

  it('prints Graphviz with --format dot', async () => {
    const { code, out } = await graph('flows/moengage-purchase.yaml', '--format', 'dot');
    expect(code).toBe(0);
    expect(out).toMatch(/^digraph flow \{/);
    expect(out).toContain('n2 -> n3 [label="then"]');
    expect(out).toContain('shape=diamond');
  });

  it('cuts a long line of a step box at 60 characters and offers its whole text: SVG <title>, Graphviz tooltip, Mermaid comment', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'graph-')), 'long.yaml');
    const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
    writeFileSync(
      file,
      `flow: long\ntrigger: { event: a }\nsteps:\n  - check:\n      if: { event.attributes.plan: { in: [${names.join(', ')}] } }\n      then: [ { exit: true } ]\n`,
    );
    const whole = `plan is one of ${names.join(', ')}`;
    const cut = `${whole.slice(0, 59)}…`;
    const mermaid = (await graph(file)).out;
    expect(mermaid).toContain(`n1{{"check<br/>${cut}"}}`);
    expect(mermaid).toContain(`%% n1: check / ${whole}`);
    const svg = (await graph(file, '--format', 'svg')).out;
    expect(svg).toContain(`<title>check\n${whole}</title>`);
    expect(svg).toContain(`>${cut}</text>`);
    expect(svg).not.toContain(`>${whole}</text>`);
    expect((await graph(file, '--format', 'dot')).out).toContain(`label="check\\n${cut}", shape=diamond, tooltip="check\\n${whole}"`);
  });

  it('refuses an invalid flow with its diagnostics, and a usage error with 2', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'graph-'));
    writeFileSync(join(dir, 'bad.yaml'), 'flow: bad\ntrigger: { event: a }\nsteps: [ { wiat: 1d } ]\n');
    const bad = await graph(join(dir, 'bad.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("did you mean 'wait'?");
    expect((await graph()).code).toBe(2);
    expect((await graph('flows/moengage-purchase.yaml', '--format', 'png')).code).toBe(2);
  });
});
