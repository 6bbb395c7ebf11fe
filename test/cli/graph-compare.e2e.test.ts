import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { scratchRepo } from '../helpers/scratch-repo.ts';

const BEFORE = `flow: compare-me
trigger: { event: sign_up }
steps:
  - id: welcome
    send_email: { destination: sailthru, template: welcome-1 }
  - wait: 1d
  - add_to_list: { destination: sailthru, list: new-users }
  - id: goodbye
    send_email: { destination: sailthru, template: bye }
`;

/** A git repository with the flow committed, then changed in the work tree: what a pull request's branch looks like. */
function repoWithChange(after: string): string {
  const dir = scratchRepo(readFileSync('flows.config.yaml', 'utf8'), { 'compare-me.yaml': BEFORE });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'before');
  writeFileSync(join(dir, 'flows', 'compare-me.yaml'), after);
  return dir;
}

async function graph(cwd: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['graph', ...args], { cwd, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

// welcome's template changes, the id-less wait changes its duration, the id-less list step stays,
// goodbye goes, a new step comes.
const AFTER = BEFORE.replace('welcome-1', 'welcome-2')
  .replace('wait: 1d', 'wait: 2d')
  .replace(
    '  - id: goodbye\n    send_email: { destination: sailthru, template: bye }\n',
    '  - id: survey\n    send_email: { destination: sailthru, template: survey }\n',
  );

describe('flows graph --compare REF', () => {
  it('marks added, removed and changed steps, matching by id and, for steps without one, by place and kind', async () => {
    const dir = repoWithChange(AFTER);
    const { code, out } = await graph(dir, 'flows/compare-me.yaml', '--compare', 'HEAD', '--format', 'markdown');
    expect(code).toBe(0);
    expect(out).toContain('```mermaid\n---\ntitle: "compare-me"');
    expect(out).toContain('**1 added, 2 changed, 1 removed**');
    expect(out).toContain('- **changed** welcome');
    expect(out).toContain('- **changed** wait 2d (line 6)');
    expect(out).toContain('- **added** survey');
    expect(out).toContain('- **removed** goodbye');
    expect(out).not.toContain('add_to_list · sailthru: list new-users (line'); // unchanged: not listed
    // In the chart: welcome (n1) and the wait (n2) changed, survey (n4) added, goodbye drawn apart as removed.
    expect(out).toContain('class n1,n2 changed');
    expect(out).toContain('class n4 added');
    expect(out).toMatch(/n6\["removed: goodbye"\]/);
    expect(out).toMatch(/class n6 removed/);
  });

  it('marks the same in the SVG, and says when nothing changed', async () => {
    const svg = await graph(repoWithChange(AFTER), 'flows/compare-me.yaml', '--compare', 'HEAD', '--format', 'svg');
    expect(svg.out).toMatch(/class="node node-send_email mark-changed" data-node="n1"/);
    expect(svg.out).toMatch(/class="node node-send_email mark-added" data-node="n4"/);
    expect(svg.out).toMatch(/class="node node-removed mark-removed"/);
    const same = await graph(repoWithChange(BEFORE), 'flows/compare-me.yaml', '--compare', 'HEAD', '--format', 'markdown');
    expect(same.out).toContain('No step changed since `HEAD`.');
    expect(same.out).not.toContain('classDef');
  });

  it('says what is wrong with a ref that does not exist, and prints a plain chart as markdown without --compare', async () => {
    const dir = repoWithChange(AFTER);
    const bad = await graph(dir, 'flows/compare-me.yaml', '--compare', 'no-such-branch');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("cannot read compare-me.yaml at no-such-branch: fatal: invalid object name 'no-such-branch'");
    const plain = await graph(dir, 'flows/compare-me.yaml', '--format', 'markdown');
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('### Flow `flows/compare-me.yaml`\n\n```mermaid');
    expect(plain.out).not.toContain('compared with');
  });
});
