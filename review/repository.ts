import type { RepoRef } from './github.ts';

/**
 * owner/repo from a git remote's URL: https://github.com/o/r(.git), git@github.com:o/r.git,
 * ssh://git@github.com(:22)/o/r.git, git://…; any host (GitHub Enterprise Server too).
 */
export function repoFromRemote(url: string): RepoRef | undefined {
  const text = url.trim();
  // scp-like: [user@]host:owner/repo(.git)
  const scp = /^(?:[^@/\s]+@)?[^:/\s]+:(?!\/\/)([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(text);
  if (scp) return ref(scp[1]!, scp[2]!);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return undefined;
  }
  if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol)) return undefined;
  const parts = parsed.pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  if (parts.length < 2) return undefined;
  return ref(parts[parts.length - 2]!, parts[parts.length - 1]!.replace(/\.git$/, ''));
}

/** owner/repo from `o/r`, as GITHUB_REPOSITORY or FLOWLINE_GITHUB_REPOSITORY holds it. */
export function repoFromName(name: string): RepoRef | undefined {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(name.trim());
  return match ? ref(match[1]!, match[2]!) : undefined;
}

/** FLOWLINE_GITHUB_REPOSITORY, else GITHUB_REPOSITORY, else the given remote URL (`git remote get-url origin`). */
export function repoFromEnvironment(env: NodeJS.ProcessEnv = process.env, remoteUrl?: string): RepoRef | undefined {
  const named = env.FLOWLINE_GITHUB_REPOSITORY || env.GITHUB_REPOSITORY;
  if (named) return repoFromName(named);
  return remoteUrl ? repoFromRemote(remoteUrl) : undefined;
}

const NAME = /^[A-Za-z0-9_.-]+$/;
const ref = (owner: string, repo: string): RepoRef | undefined =>
  NAME.test(owner) && NAME.test(repo) && repo !== '.' && repo !== '..' ? { owner, repo } : undefined;
