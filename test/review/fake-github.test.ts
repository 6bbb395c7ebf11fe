import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeGitHub, githubFaults, type FakeGitHub } from '../helpers/fake-github.ts';

let gh: FakeGitHub;
beforeAll(async () => {
  gh = await fakeGitHub({ repos: { 'acme/flows': { branches: ['main', 'feature'] } }, readOnlyTokens: ['ghs_readonly'] });
});
afterAll(() => gh.close());
beforeEach(() => gh.clear());

const call = async (method: string, path: string, body?: unknown, auth: string | null = `token ${gh.token}`) => {
  const res = await fetch(`${gh.url}${path}`, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
};

describe('fake GitHub REST API', () => {
  it("answers a wrong token with GitHub's 401 Bad credentials, and a missing one with Requires authentication", async () => {
    const bad = await call('GET', '/repos/acme/flows/pulls', undefined, 'token nope');
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    expect((await call('GET', '/repos/acme/flows/pulls', undefined, null)).status).toBe(401);
    expect((await call('GET', '/repos/acme/flows/pulls', undefined, `Bearer ${gh.token}`)).status).toBe(200);
  });

  it('answers 404 Not Found for an unknown repository, pull request or comment', async () => {
    expect((await call('GET', '/repos/acme/other/pulls')).body).toMatchObject({ message: 'Not Found', status: '404' });
    expect((await call('GET', '/repos/acme/flows/pulls/99')).status).toBe(404);
    expect((await call('PATCH', '/repos/acme/flows/issues/comments/1', { body: 'x' })).status).toBe(404);
  });

  it('opens a pull request (201), refuses a duplicate head and an unknown branch with 422 Validation Failed, lists by head', async () => {
    const made = await call('POST', '/repos/acme/flows/pulls', { title: 'T', head: 'feature', base: 'main' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ number: 1, state: 'open', head: { ref: 'feature', label: 'acme:feature' }, base: { ref: 'main' } });
    const again = await call('POST', '/repos/acme/flows/pulls', { title: 'T', head: 'feature', base: 'main' });
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:feature.' }],
    });
    const unknown = await call('POST', '/repos/acme/flows/pulls', { title: 'T', head: 'nope', base: 'main' });
    expect(unknown.body).toMatchObject({ errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] });
    const listed = await call('GET', '/repos/acme/flows/pulls?head=acme:feature&state=open');
    expect((listed.body as { number: number }[]).map((p) => p.number)).toEqual([1]);
    expect((await call('GET', '/repos/acme/flows/pulls?head=acme:other')).body).toEqual([]);
    expect((await call('GET', '/repos/acme/flows/pulls/1')).body).toMatchObject({ number: 1 });
  });

  it('pages comments with per_page, page and a Link header; creates (201) and updates (200) them', async () => {
    const pr = gh.addPull('acme/flows', { head: 'feature', base: 'main' });
    for (let i = 0; i < 5; i++) gh.addComment('acme/flows', pr, `comment ${i}`);
    const first = await call('GET', `/repos/acme/flows/issues/${pr}/comments?per_page=2`);
    expect((first.body as { body: string }[]).map((c) => c.body)).toEqual(['comment 0', 'comment 1']);
    expect(first.headers.get('link')).toContain('page=2>; rel="next"');
    expect(first.headers.get('link')).toContain('page=3>; rel="last"');
    const last = await call('GET', `/repos/acme/flows/issues/${pr}/comments?per_page=2&page=3`);
    expect(last.body).toHaveLength(1);
    expect(last.headers.get('link')).not.toContain('rel="next"');
    const made = await call('POST', `/repos/acme/flows/issues/${pr}/comments`, { body: 'hello' });
    expect(made.status).toBe(201);
    const id = (made.body as { id: number }).id;
    const edited = await call('PATCH', `/repos/acme/flows/issues/comments/${id}`, { body: 'edited' });
    expect(edited).toMatchObject({ status: 200, body: { id, body: 'edited' } });
    expect((await call('POST', `/repos/acme/flows/issues/${pr}/comments`, { body: 'x'.repeat(65537) })).status).toBe(422);
    expect((await call('POST', `/repos/acme/flows/issues/${pr}/comments`, { body: 'x' }, 'token ghs_readonly')).body).toMatchObject({
      message: 'Resource not accessible by integration',
    });
  });

  it('injects faults: 500, 502, 403 rate limit with x-ratelimit-reset, 429 with retry-after; logs what it answered', async () => {
    gh.inject(githubFaults.serverError());
    gh.inject(githubFaults.badGateway());
    gh.inject(githubFaults.rateLimited(120));
    gh.inject(githubFaults.secondaryRateLimit(30));
    expect((await call('GET', '/repos/acme/flows/pulls')).status).toBe(500);
    expect((await fetch(`${gh.url}/repos/acme/flows/pulls`)).status).toBe(502);
    const limited = await call('GET', '/repos/acme/flows/pulls');
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    const secondary = await call('GET', '/repos/acme/flows/pulls');
    expect([secondary.status, secondary.headers.get('retry-after')]).toEqual([429, '30']);
    expect((await call('GET', '/repos/acme/flows/pulls')).status).toBe(200);
    expect(gh.faulted).toHaveLength(4);
    expect(gh.log).toEqual([expect.objectContaining({ method: 'GET', path: '/repos/acme/flows/pulls', status: 200, auth: 'token' })]);
  });
});
