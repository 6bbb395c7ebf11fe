import { startFake, type Fake, type Fault, type Received } from '../../destinations/fakes/server.ts';

/**
 * GitHub's REST API, the part Flowline calls: pull requests (create, list by head and state,
 * get one) and issue comments (list with pagination, create, update). Same paths, auth, bodies
 * and status codes as api.github.com; everything in memory, on loopback.
 */

const DOCS = 'https://docs.github.com/rest';
const MAX_COMMENT = 65536;

export interface FakeGitHubOptions {
  /** The token the API accepts (as `token X` or `Bearer X`), with write access. */
  token?: string;
  /** Tokens that may read but not write (a workflow token on a pull request from a fork). */
  readOnlyTokens?: string[];
  /** Repositories, `owner/repo`, each with its branches (a pull request's head and base must be one of them when given). */
  repos?: Record<string, { branches?: string[] }>;
  /** The login comments and pull requests are made by. */
  login?: string;
}

interface FakePull {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  head: string;
  headOwner: string;
  base: string;
  createdAt: string;
}

interface FakeComment {
  id: number;
  issue: number;
  body: string;
  login: string;
  createdAt: string;
  updatedAt: string;
}

interface RepoState {
  owner: string;
  name: string;
  branches?: Set<string>;
  pulls: FakePull[];
  comments: FakeComment[];
}

interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** The Authorization header's scheme and whether it held the right token, never the token. */
  auth: 'none' | 'token' | 'bearer' | 'other';
  body: unknown;
}

export interface FakeGitHub extends Fake {
  token: string;
  /** Every request the API answered (faulted ones are in `faulted`), in order. */
  log: LoggedRequest[];
  repo(name: string): { pulls: FakePull[]; comments: FakeComment[] };
  addRepo(name: string, options?: { branches?: string[] }): void;
  /** A pull request that is already there (opened by someone else, say). */
  addPull(repo: string, pull: { head: string; base: string; title?: string; state?: 'open' | 'closed'; headOwner?: string }): number;
  /** A comment someone else wrote. */
  addComment(repo: string, issue: number, body: string, login?: string): number;
}

/** The faults GitHub answers with, for `fake.inject(...)`. */
export const githubFaults = {
  serverError: (): Fault => ({ status: 500, body: { message: 'Server Error' } }),
  badGateway: (): Fault => ({ status: 502, body: 'Bad Gateway', headers: { 'content-type': 'text/html' } }),
  /** The primary rate limit: 403 with x-ratelimit-remaining 0 and the reset time (epoch seconds). */
  rateLimited: (resetInSeconds = 600): Fault => {
    const reset = Math.floor(Date.now() / 1000) + resetInSeconds;
    return {
      status: 403,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-resource': 'core',
      },
      body: {
        message: 'API rate limit exceeded for installation ID 1.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        status: '403',
      },
    };
  },
  /** A secondary rate limit: 429 with retry-after (seconds). */
  secondaryRateLimit: (retryAfter = 60): Fault => ({
    status: 429,
    retryAfter,
    body: {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '429',
    },
  }),
};

const error = (status: number, message: string, extra: Record<string, unknown> = {}) => ({
  status,
  body: { message, ...extra, documentation_url: DOCS, status: String(status) },
});
const notFound = () => error(404, 'Not Found');
const validationFailed = (errors: Record<string, unknown>[]) => error(422, 'Validation Failed', { errors });

/** Page `page` of `list` at `per_page` (GitHub: default 30, at most 100), with GitHub's Link header. */
function paged<T>(request: Received, base: string, list: T[]): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(request.query.per_page) || 30));
  const page = Math.max(1, Number(request.query.page) || 1);
  const last = Math.max(1, Math.ceil(list.length / perPage));
  const link = (p: number, rel: string) => {
    const url = new URL(`${base}${request.path}`);
    for (const [k, v] of Object.entries(request.query)) url.searchParams.set(k, v);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(p));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return { items: list.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(', ') } : {} };
}

export async function fakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const token = options.token ?? 'ghs_fakeWorkflowToken0000000000000000';
  const readOnly = new Set(options.readOnlyTokens ?? []);
  const login = options.login ?? 'github-actions[bot]';
  const repos = new Map<string, RepoState>();
  const log: LoggedRequest[] = [];
  let nextId = 1_000_000;
  const addRepo = (name: string, { branches }: { branches?: string[] } = {}) => {
    const [owner, repo] = name.split('/');
    repos.set(name.toLowerCase(), { owner: owner!, name: repo!, branches: branches && new Set(branches), pulls: [], comments: [] });
  };
  for (const [name, settings] of Object.entries(options.repos ?? {})) addRepo(name, settings);
  const state = (name: string): RepoState => {
    const found = repos.get(name.toLowerCase());
    if (!found) throw new Error(`fake GitHub has no repository ${name}`);
    return found;
  };

  const pullJson = (api: string, repo: RepoState, p: FakePull) => {
    const full = `${repo.owner}/${repo.name}`;
    return {
      url: `${api}/repos/${full}/pulls/${p.number}`,
      id: p.number + 5000,
      node_id: `PR_${p.number}`,
      html_url: `https://github.com/${full}/pull/${p.number}`,
      issue_url: `${api}/repos/${full}/issues/${p.number}`,
      comments_url: `${api}/repos/${full}/issues/${p.number}/comments`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      body: p.body,
      user: { login, type: 'Bot' },
      created_at: p.createdAt,
      updated_at: p.createdAt,
      draft: false,
      head: { label: `${p.headOwner}:${p.head}`, ref: p.head, sha: 'f'.repeat(40), user: { login: p.headOwner } },
      base: { label: `${repo.owner}:${p.base}`, ref: p.base, sha: 'b'.repeat(40), user: { login: repo.owner } },
    };
  };
  const commentJson = (api: string, repo: RepoState, c: FakeComment) => {
    const full = `${repo.owner}/${repo.name}`;
    return {
      url: `${api}/repos/${full}/issues/comments/${c.id}`,
      html_url: `https://github.com/${full}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${api}/repos/${full}/issues/${c.issue}`,
      id: c.id,
      node_id: `IC_${c.id}`,
      user: { login: c.login, type: c.login.endsWith('[bot]') ? 'Bot' : 'User' },
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: 'NONE',
      body: c.body,
    };
  };
  const addPull = (repo: RepoState, p: Omit<FakePull, 'number' | 'createdAt'>): FakePull => {
    const number = repo.pulls.length + 1;
    const pull = { ...p, number, createdAt: new Date().toISOString() };
    repo.pulls.push(pull);
    return pull;
  };
  const addComment = (repo: RepoState, issue: number, body: string, by: string): FakeComment => {
    const now = new Date().toISOString();
    const comment = { id: nextId++, issue, body, login: by, createdAt: now, updatedAt: now };
    repo.comments.push(comment);
    return comment;
  };

  const handle = (req: Received): { status: number; headers?: Record<string, string>; body?: unknown } => {
    const api = `http://${req.headers.host}`;
    const auth = /^(token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!req.headers.authorization) return error(401, 'Requires authentication');
    if (!auth || (auth[2] !== token && !readOnly.has(auth[2]!))) return error(401, 'Bad credentials');
    const canWrite = auth[2] === token;
    let body: Record<string, unknown> = {};
    if (req.method === 'POST' || req.method === 'PATCH') {
      try {
        body = JSON.parse(req.body || '{}') as Record<string, unknown>;
      } catch {
        return error(400, 'Problems parsing JSON');
      }
    }
    const match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(req.path);
    if (!match) return notFound();
    const repo = repos.get(`${match[1]}/${match[2]}`.toLowerCase());
    if (!repo) return notFound();
    const rest = match[3]!;
    const forbidden = () => error(403, 'Resource not accessible by integration');

    if (rest === '/pulls' && req.method === 'POST') {
      if (!canWrite) return forbidden();
      const { title, head, base } = body as { title?: unknown; head?: unknown; base?: unknown };
      const missing = (['title', 'head', 'base'] as const).filter((f) => typeof body[f] !== 'string' || body[f] === '');
      if (missing.length) return validationFailed(missing.map((field) => ({ resource: 'PullRequest', field, code: 'missing_field' })));
      const [headOwner, headRef] = (head as string).includes(':') ? (head as string).split(':', 2) : [repo.owner, head as string];
      if (repo.branches) {
        const invalid = [
          ...(headOwner!.toLowerCase() === repo.owner.toLowerCase() && !repo.branches.has(headRef!) ? ['head'] : []),
          ...(!repo.branches.has(base as string) ? ['base'] : []),
        ];
        if (invalid.length) return validationFailed(invalid.map((field) => ({ resource: 'PullRequest', field, code: 'invalid' })));
      }
      if (headRef === base && headOwner!.toLowerCase() === repo.owner.toLowerCase())
        return validationFailed([
          { resource: 'PullRequest', code: 'custom', message: `No commits between ${String(base)} and ${headRef}` },
        ]);
      if (repo.pulls.some((p) => p.state === 'open' && p.head === headRef && p.headOwner === headOwner && p.base === base))
        return validationFailed([
          { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${headOwner}:${headRef}.` },
        ]);
      const pull = addPull(repo, {
        title: title as string,
        body: typeof body.body === 'string' ? body.body : null,
        state: 'open',
        head: headRef!,
        headOwner: headOwner!,
        base: base as string,
      });
      const json = pullJson(api, repo, pull);
      return { status: 201, headers: { location: json.url }, body: json };
    }
    if (rest === '/pulls' && req.method === 'GET') {
      const wanted = req.query.state ?? 'open';
      if (!['open', 'closed', 'all'].includes(wanted))
        return validationFailed([{ resource: 'PullRequest', field: 'state', code: 'invalid' }]);
      let list = repo.pulls.filter((p) => wanted === 'all' || p.state === wanted);
      if (req.query.head) {
        // GitHub: `user:ref-name`; a head without the user filters nothing out (so callers must qualify it).
        const [user, ref] = req.query.head.includes(':') ? req.query.head.split(':', 2) : [undefined, undefined];
        if (user !== undefined) list = list.filter((p) => p.headOwner.toLowerCase() === user.toLowerCase() && p.head === ref);
      }
      if (req.query.base) list = list.filter((p) => p.base === req.query.base);
      const page = paged(req, api, [...list].reverse());
      return { status: 200, headers: page.headers, body: page.items.map((p) => pullJson(api, repo, p)) };
    }
    const onePull = /^\/pulls\/(\d+)$/.exec(rest);
    if (onePull && req.method === 'GET') {
      const pull = repo.pulls.find((p) => p.number === Number(onePull[1]));
      return pull ? { status: 200, body: pullJson(api, repo, pull) } : notFound();
    }
    const issueComments = /^\/issues\/(\d+)\/comments$/.exec(rest);
    if (issueComments) {
      const issue = Number(issueComments[1]);
      if (!repo.pulls.some((p) => p.number === issue)) return notFound();
      if (req.method === 'GET') {
        const page = paged(
          req,
          api,
          repo.comments.filter((c) => c.issue === issue),
        );
        return { status: 200, headers: page.headers, body: page.items.map((c) => commentJson(api, repo, c)) };
      }
      if (req.method === 'POST') {
        if (!canWrite) return forbidden();
        const invalid = commentBodyError(body.body);
        if (invalid) return invalid;
        const comment = addComment(repo, issue, body.body as string, login);
        const json = commentJson(api, repo, comment);
        return { status: 201, headers: { location: json.url }, body: json };
      }
    }
    const oneComment = /^\/issues\/comments\/(\d+)$/.exec(rest);
    if (oneComment && (req.method === 'PATCH' || req.method === 'GET')) {
      const comment = repo.comments.find((c) => c.id === Number(oneComment[1]));
      if (!comment) return notFound();
      if (req.method === 'GET') return { status: 200, body: commentJson(api, repo, comment) };
      if (!canWrite) return forbidden();
      const invalid = commentBodyError(body.body);
      if (invalid) return invalid;
      comment.body = body.body as string;
      comment.updatedAt = new Date().toISOString();
      return { status: 200, body: commentJson(api, repo, comment) };
    }
    return notFound();
  };

  const fake = await startFake('github', (req) => {
    const reply = handle(req);
    const scheme = /^(\w+)\s/.exec(req.headers.authorization ?? '')?.[1]?.toLowerCase();
    let body: unknown = req.body;
    try {
      body = req.body ? JSON.parse(req.body) : undefined;
    } catch {
      // kept as text
    }
    log.push({
      method: req.method,
      path: req.path,
      query: req.query,
      status: reply.status,
      auth: scheme === undefined ? 'none' : scheme === 'token' || scheme === 'bearer' ? scheme : 'other',
      body,
    });
    return { ...reply, headers: { 'x-github-media-type': 'github.v3; format=json', 'x-ratelimit-remaining': '4999', ...reply.headers } };
  });

  const clearFake = fake.clear.bind(fake);
  return Object.assign(fake, {
    token,
    log,
    repo: (name: string) => ({ pulls: state(name).pulls, comments: state(name).comments }),
    addRepo,
    addPull(name: string, p: { head: string; base: string; title?: string; state?: 'open' | 'closed'; headOwner?: string }) {
      const repo = state(name);
      return addPull(repo, {
        title: p.title ?? `Merge ${p.head}`,
        body: null,
        state: p.state ?? 'open',
        head: p.head,
        headOwner: p.headOwner ?? repo.owner,
        base: p.base,
      }).number;
    },
    addComment: (name: string, issue: number, text: string, by = 'someone') => addComment(state(name), issue, text, by).id,
    clear() {
      clearFake();
      log.length = 0;
    },
  });
}

function commentBodyError(body: unknown) {
  if (typeof body !== 'string' || body === '')
    return validationFailed([{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
  if (body.length > MAX_COMMENT)
    return validationFailed([
      { resource: 'IssueComment', code: 'custom', field: 'body', message: `body is too long (maximum is ${MAX_COMMENT} characters)` },
    ]);
  return undefined;
}
