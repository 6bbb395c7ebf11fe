import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GitHubError, githubApiUrl, githubClient, githubToken } from '../../review/github.ts';
import { repoFromEnvironment, repoFromName, repoFromRemote } from '../../review/repository.ts';
import { fakeGitHub, githubFaults, type FakeGitHub } from '../helpers/fake-github.ts';

let gh: FakeGitHub;
let lines: string[];
const repo = { owner: 'acme', repo: 'flows' };
const client = (token = gh.token) => githubClient({ token, baseUrl: gh.url, log: (l) => lines.push(l) });

beforeAll(async () => {
  gh = await fakeGitHub({ repos: { 'acme/flows': { branches: ['main', 'feature', 'other'] } }, readOnlyTokens: ['ghs_readonly'] });
});
afterAll(() => gh.close());
beforeEach(() => {
  gh.clear();
  lines = [];
});

/** The error a call fails with (the test fails when it does not). */
const failure = async (promise: Promise<unknown>): Promise<GitHubError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GitHubError);
    return error as GitHubError;
  }
  throw new Error('expected the call to fail');
};

describe('openPullRequest', () => {
  it('opens a pull request, and returns the open one when GitHub says one exists for that head (422)', async () => {
    const first = await client().openPullRequest({ ...repo, head: 'feature', base: 'main', title: 'Flows: welcome', body: 'b' });
    expect(first).toEqual({ number: 1, url: 'https://github.com/acme/flows/pull/1', created: true });
    const again = await client().openPullRequest({ ...repo, head: 'feature', base: 'main', title: 'again' });
    expect(again).toEqual({ ...first, created: false });
    expect(gh.log.map((r) => `${r.method} ${r.status} ${r.query.head ?? ''}`)).toEqual(['POST 201 ', 'POST 422 ', 'GET 200 acme:feature']);
    expect(gh.repo('acme/flows').pulls).toHaveLength(1);
  });

  it("names the call and GitHub's message when a branch is unknown", async () => {
    const error = await failure(client().openPullRequest({ ...repo, head: 'missing', base: 'main', title: 't' }));
    expect(error.message).toMatch(/cannot open a pull request from missing into main on acme\/flows: GitHub said 422 "Validation Failed"/);
    expect(error.status).toBe(422);
  });
});

describe('upsertComment', () => {
  it('creates one comment, then updates that one (found past the first page), leaving others alone', async () => {
    const pr = gh.addPull('acme/flows', { head: 'other', base: 'main' });
    for (let i = 0; i < 120; i++) gh.addComment('acme/flows', pr, `chatter ${i} <!-- flowline:other -->`);
    const made = await client().upsertComment({ ...repo, issueNumber: pr, marker: 'graph', body: 'first' });
    expect(made.action).toBe('created');
    for (let i = 0; i < 110; i++) gh.addComment('acme/flows', pr, `more ${i}`);
    const updated = await client().upsertComment({ ...repo, issueNumber: pr, marker: 'graph', body: 'second' });
    expect(updated).toEqual({ ...made, action: 'updated' });
    const ours = gh.repo('acme/flows').comments.filter((c) => c.body.includes('<!-- flowline:graph -->'));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toBe('<!-- flowline:graph -->\nsecond');
    const lists = gh.log.filter((r) => r.method === 'GET');
    expect(lists.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '1', '2', '3']);
    expect(gh.log.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    // The marker may also be given whole.
    const third = await client().upsertComment({ ...repo, issueNumber: pr, marker: '<!-- flowline:graph -->', body: 'third' });
    expect(third).toEqual({ ...made, action: 'updated' });
  });

  it('refuses a marker that could break out of the HTML comment', async () => {
    await expect(client().upsertComment({ ...repo, issueNumber: 1, marker: 'x -->', body: 'b' })).rejects.toThrow(/marker/);
  });
});

describe('errors say what to do, and never hold the token', () => {
  const secret = 'ghp_SuperSecretToken1234567890abcdef';

  it('401: the token is refused', async () => {
    const error = await failure(client(secret).upsertComment({ ...repo, issueNumber: 1, marker: 'm', body: 'b' }));
    expect(error.message).toMatch(
      /cannot list the comments of #1 on acme\/flows: GitHub said 401 "Bad credentials": GitHub refused the token/,
    );
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)} ${lines.join('\n')}`).not.toContain(secret);
  });

  it('404: repository not found or no access', async () => {
    const error = await failure(client().upsertComment({ owner: 'acme', repo: 'secret', issueNumber: 1, marker: 'm', body: 'b' }));
    expect(error.message).toMatch(
      /GitHub said 404 "Not Found": the repository \(or pull request\) was not found, or the token has no access/,
    );
  });

  it('403 from a read-only token: says which permission', async () => {
    const pr = gh.addPull('acme/flows', { head: 'feature', base: 'main' });
    const error = await failure(client('ghs_readonly').upsertComment({ ...repo, issueNumber: pr, marker: 'm', body: 'b' }));
    expect(error.message).toMatch(/Resource not accessible by integration.*pull-requests: write/);
  });

  it('403 rate limit and 429: when to retry, after one request each (no retry storm)', async () => {
    gh.inject(githubFaults.rateLimited(120));
    const limited = await failure(client().openPullRequest({ ...repo, head: 'feature', base: 'main', title: 't' }));
    expect(limited.message).toMatch(/rate limit is used up: retry after \d{4}-\d\d-\d\dT[\d:.]+Z \(in 1[12]\d s\)/);
    expect(limited.retryAt!.getTime()).toBeGreaterThan(Date.now() + 100_000);
    gh.inject(githubFaults.secondaryRateLimit(30));
    const secondary = await failure(client().openPullRequest({ ...repo, head: 'feature', base: 'main', title: 't' }));
    expect(secondary.message).toMatch(/GitHub said 429 "You have exceeded a secondary rate limit.*retry after .* \(in (29|30) s\)/);
    gh.inject(githubFaults.serverError());
    expect((await failure(client().openPullRequest({ ...repo, head: 'feature', base: 'main', title: 't' }))).message).toMatch(
      /500 "Server Error": GitHub failed on its side/,
    );
    expect(gh.faulted).toHaveLength(3);
    expect(gh.log).toHaveLength(0);
  });

  it('no answer at all: says so', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const closed = githubClient({ token: secret, baseUrl: `http://127.0.0.1:${port}` });
    const error = await failure(closed.upsertComment({ ...repo, issueNumber: 1, marker: 'm', body: 'b' }));
    expect(error.message).toMatch(/no answer from GitHub: connect ECONNREFUSED/);
    expect(error.message).not.toContain(secret);
  });
});

describe('settings', () => {
  it('base URL from the option, else GITHUB_API_URL, else api.github.com; token from FLOWLINE_GITHUB_TOKEN, else GITHUB_TOKEN', () => {
    expect(githubApiUrl(undefined, {})).toBe('https://api.github.com');
    expect(githubApiUrl(undefined, { GITHUB_API_URL: 'https://ghe.example/api/v3/' })).toBe('https://ghe.example/api/v3');
    expect(githubApiUrl('http://127.0.0.1:1', { GITHUB_API_URL: 'x' })).toBe('http://127.0.0.1:1');
    expect(githubToken({ GITHUB_TOKEN: 'a', FLOWLINE_GITHUB_TOKEN: 'b' })).toBe('b');
    expect(githubToken({ GITHUB_TOKEN: 'a' })).toBe('a');
    expect(githubToken({})).toBeUndefined();
  });

  it.each([
    ['https://github.com/acme/flows', 'acme/flows'],
    ['https://github.com/acme/flows.git', 'acme/flows'],
    ['https://user:pw@github.com/acme/flows.git/', 'acme/flows'],
    ['git@github.com:acme/flows.git', 'acme/flows'],
    ['git@github.com:acme/flows', 'acme/flows'],
    ['ssh://git@github.com/acme/flows.git', 'acme/flows'],
    ['ssh://git@github.example:2222/acme/my.flows.git', 'acme/my.flows'],
    ['/home/me/flows', undefined],
    ['https://github.com/acme', undefined],
  ])('%s → %s', (url, expected) => {
    const found = repoFromRemote(url);
    expect(found && `${found.owner}/${found.repo}`).toBe(expected);
  });

  it('GITHUB_REPOSITORY / FLOWLINE_GITHUB_REPOSITORY before the remote', () => {
    expect(repoFromName('acme/flows')).toEqual(repo);
    expect(repoFromName('acme')).toBeUndefined();
    expect(repoFromEnvironment({ GITHUB_REPOSITORY: 'a/b', FLOWLINE_GITHUB_REPOSITORY: 'acme/flows' })).toEqual(repo);
    expect(repoFromEnvironment({}, 'git@github.com:acme/flows.git')).toEqual(repo);
  });
});
