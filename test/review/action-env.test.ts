import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendSummary, pullRequestOf, setOutputs, workflowMessage } from '../../review/action-env.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'flowline-action-env-'));

describe("GitHub Actions' environment", () => {
  it('reads the pull request from a pull_request event, and nothing from other events', () => {
    const event = join(scratch(), 'event.json');
    writeFileSync(
      event,
      JSON.stringify({ pull_request: { number: 7, base: { sha: 'abc', ref: 'main' }, head: { sha: 'def', ref: 'f' } } }),
    );
    expect(pullRequestOf({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event })).toEqual({
      number: 7,
      baseSha: 'abc',
      baseRef: 'main',
      headSha: 'def',
      headRef: 'f',
    });
    expect(pullRequestOf({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event })).toBeUndefined();
    expect(() => pullRequestOf({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: join(scratch(), 'none.json') })).toThrow(
      /cannot read the event at GITHUB_EVENT_PATH/,
    );
  });

  it('appends outputs (a delimited block for a value over lines) and the summary; nothing without the files', () => {
    const dir = scratch();
    const env = { GITHUB_OUTPUT: join(dir, 'out'), GITHUB_STEP_SUMMARY: join(dir, 'sum') };
    writeFileSync(env.GITHUB_OUTPUT, 'earlier=1\n');
    setOutputs(env, { errors: 2, list: 'a\nb' });
    const text = readFileSync(env.GITHUB_OUTPUT, 'utf8');
    expect(text).toMatch(/^earlier=1\nerrors=2\nlist<<(flowline_[\w-]+)\na\nb\n\1\n$/);
    appendSummary(env, '## one');
    appendSummary(env, 'two\n');
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toBe('## one\ntwo\n');
    expect(() => setOutputs({}, { a: 1 })).not.toThrow();
  });

  it('escapes a workflow message so a line break cannot start another command', () => {
    expect(workflowMessage('warning', 'a\n::error::b 100%')).toBe('::warning::a%0A::error::b 100%25\n');
  });
});
