import { runGit } from './git-run.ts';

/** The top level of the git checkout holding `cwd`; undefined when it is not in one (or git is missing). */
export async function gitTopLevel(cwd: string): Promise<string | undefined> {
  try {
    const out = await runGit(['rev-parse', '--show-toplevel'], { cwd, timeoutMs: 5000 });
    return out.stdout.toString('utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The URL of a remote (default `origin`), to tell the GitHub repository from; undefined when there is none. */
export async function remoteUrl(repoRoot: string, remote = 'origin'): Promise<string | undefined> {
  const out = await runGit(['config', '--get', `remote.${remote}.url`], { cwd: repoRoot, timeoutMs: 5000, okCodes: [0, 1] });
  return out.code === 0 ? out.stdout.toString('utf8').trim() || undefined : undefined;
}
