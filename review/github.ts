import { Octokit } from '@octokit/rest';

/**
 * The few GitHub REST calls Flowline makes for reviews: open a pull request, and keep one comment
 * of ours up to date on it. Server-side only: the token comes from the caller (GITHUB_TOKEN or
 * FLOWLINE_GITHUB_TOKEN) and never appears in an error or a log line.
 */

const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface GitHubOptions {
  token: string;
  /** The REST API's root: `GITHUB_API_URL` as GitHub Actions set it (GitHub Enterprise Server too), else api.github.com. */
  baseUrl?: string;
  /** Where one line per request goes (method, path, status, time); nothing by default. */
  log?: (line: string) => void;
  /** Gives up on a call after this long (ms). */
  timeoutMs?: number;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

interface PullRequest {
  number: number;
  url: string;
  /** False when a pull request for the head branch was already open and this is it. */
  created: boolean;
}

interface UpsertedComment {
  id: number;
  url: string;
  action: 'created' | 'updated';
}

/** A GitHub call that failed: which call, GitHub's status and message, in words a person can act on. */
export class GitHubError extends Error {
  constructor(
    message: string,
    readonly call: string,
    readonly status: number | undefined,
    /** When a rate limit says to try again (absent otherwise). */
    readonly retryAt?: Date,
  ) {
    super(message);
    this.name = 'GitHubError';
  }
}

/**
 * A marker is a name, or the whole hidden comment: the comment carries it as `<!-- flowline:NAME -->`,
 * which GitHub does not show.
 */
const markerComment = (marker: string): string => {
  const name = /^<!-- flowline:(.*) -->$/.exec(marker)?.[1] ?? marker;
  if (!/^[\w.-]+$/.test(name)) throw new Error(`a comment marker is letters, digits, '.', '_' and '-': '${marker}'`);
  return `<!-- flowline:${name} -->`;
};

export interface GitHubClient {
  openPullRequest(args: RepoRef & { head: string; base: string; title: string; body?: string }): Promise<PullRequest>;
  upsertComment(args: RepoRef & { issueNumber: number; marker: string; body: string }): Promise<UpsertedComment>;
}

/** The base URL from the option, else GITHUB_API_URL, else api.github.com (no trailing slash). */
export function githubApiUrl(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return (option || env.GITHUB_API_URL || DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
}

/** The token a server-side caller uses: FLOWLINE_GITHUB_TOKEN, else GITHUB_TOKEN. */
export function githubToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.FLOWLINE_GITHUB_TOKEN || env.GITHUB_TOKEN || undefined;
}

export function githubClient(options: GitHubOptions): GitHubClient {
  const { token } = options;
  if (!token) throw new Error('a GitHub token is needed (GITHUB_TOKEN or FLOWLINE_GITHUB_TOKEN)');
  const redact = (text: string): string => text.split(token).join('***');
  const write = (line: string) => options.log?.(redact(line));
  const quiet = () => {};
  // @octokit/rest has no retry or throttling plugin: one request per call, and a rate limit is
  // reported with its time rather than waited out or retried in a loop.
  const octokit = new Octokit({
    auth: token,
    baseUrl: githubApiUrl(options.baseUrl),
    userAgent: 'flowline',
    // The request plugin's debug line holds the request's headers (the token): never written.
    log: { debug: quiet, info: write, warn: write, error: write },
  });
  const { timeoutMs } = options;
  if (timeoutMs) {
    octokit.hook.wrap('request', (request, opts) =>
      request({ ...opts, request: { ...opts.request, signal: AbortSignal.timeout(timeoutMs) } }),
    );
  }

  const call = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw explain(name, error, redact);
    }
  };

  return {
    async openPullRequest({ owner, repo, head, base, title, body }) {
      try {
        const { data } = await octokit.rest.pulls.create({ owner, repo, head, base, title, body });
        return { number: data.number, url: data.html_url, created: true };
      } catch (error) {
        if (!alreadyExists(error)) throw explain(`open a pull request from ${head} into ${base} on ${owner}/${repo}`, error, redact);
      }
      // GitHub's 422 "A pull request already exists for owner:branch." names no number: list the open ones for that head.
      const qualified = head.includes(':') ? head : `${owner}:${head}`;
      const { data } = await call(`find the open pull request for ${qualified} on ${owner}/${repo}`, () =>
        octokit.rest.pulls.list({ owner, repo, head: qualified, state: 'open', per_page: 1 }),
      );
      const existing = data[0];
      if (!existing)
        throw new GitHubError(
          `GitHub said a pull request for ${qualified} exists on ${owner}/${repo}, but none is open for it`,
          'open a pull request',
          422,
        );
      return { number: existing.number, url: existing.html_url, created: false };
    },

    async upsertComment({ owner, repo, issueNumber, marker, body }) {
      const hidden = markerComment(marker);
      const text = body.includes(hidden) ? body : `${hidden}\n${body}`;
      const where = `#${issueNumber} on ${owner}/${repo}`;
      const comments = await call(`list the comments of ${where}`, () =>
        octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 }),
      );
      const ours = comments.find((c) => c.body?.includes(hidden));
      if (ours) {
        const { data } = await call(`update comment ${ours.id} on ${where}`, () =>
          octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body: text }),
        );
        return { id: data.id, url: data.html_url, action: 'updated' };
      }
      const { data } = await call(`comment on ${where}`, () =>
        octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body: text }),
      );
      return { id: data.id, url: data.html_url, action: 'created' };
    },
  };
}

interface OctokitFailure {
  status?: number;
  message?: string;
  response?: { data?: unknown; headers?: Record<string, string | number | undefined> };
}

function alreadyExists(error: unknown): boolean {
  const failure = error as OctokitFailure;
  if (failure.status !== 422) return false;
  const data = failure.response?.data as { errors?: { message?: string }[] } | undefined;
  return (data?.errors ?? []).some((e) => /already exists/i.test(e.message ?? ''));
}

/** Octokit's error as one sentence: the call, GitHub's status and message, and what to do. */
function explain(name: string, error: unknown, redact: (s: string) => string): GitHubError {
  const failure = error as OctokitFailure;
  // Octokit reports a request that got no answer (refused, reset, timed out) as status 500 without a response.
  const status = failure.response && typeof failure.status === 'number' && failure.status > 0 ? failure.status : undefined;
  const data = failure.response?.data as { message?: unknown; errors?: { message?: string; code?: string; field?: string }[] } | undefined;
  const said = typeof data?.message === 'string' ? data.message : undefined;
  const details = (data?.errors ?? []).map((e) => e.message ?? [e.field, e.code].filter(Boolean).join(' ')).filter(Boolean);
  const github = said ? `GitHub said ${status ?? ''} "${said}"${details.length ? ` (${details.join('; ')})` : ''}`.replace('  ', ' ') : '';
  const headers = failure.response?.headers ?? {};
  let advice = '';
  let retryAt: Date | undefined;
  if (status === undefined) {
    advice = `no answer from GitHub: ${failure.message ?? String(error)}`;
  } else if (status === 401) {
    advice = 'GitHub refused the token (bad credentials or expired): check GITHUB_TOKEN / FLOWLINE_GITHUB_TOKEN';
  } else if (status === 404) {
    advice = 'the repository (or pull request) was not found, or the token has no access to it';
  } else if (
    status === 429 ||
    (status === 403 && (headers['retry-after'] !== undefined || String(headers['x-ratelimit-remaining']) === '0'))
  ) {
    const retryAfter = Number(headers['retry-after']);
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(retryAfter) && headers['retry-after'] !== undefined) retryAt = new Date(Date.now() + retryAfter * 1000);
    else if (Number.isFinite(reset) && reset > 0) retryAt = new Date(reset * 1000);
    advice = retryAt
      ? `GitHub's rate limit is used up: retry after ${retryAt.toISOString()} (in ${Math.max(0, Math.ceil((retryAt.getTime() - Date.now()) / 1000))} s)`
      : "GitHub's rate limit is used up: retry later";
  } else if (status === 403) {
    advice = 'the token may not do this (a workflow token needs `permissions: pull-requests: write`; one from a fork is read-only)';
  } else if (status >= 500) {
    advice = 'GitHub failed on its side; try again';
  }
  const text = [`GitHub: cannot ${name}`, [github || (status ? `status ${status}` : ''), advice].filter(Boolean).join(': ')]
    .filter(Boolean)
    .join(': ');
  return new GitHubError(redact(text), name, status, retryAt);
}
