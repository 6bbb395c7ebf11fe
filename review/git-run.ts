import { spawn } from 'node:child_process';

/**
 * Runs the real `git` binary: an argument array (never a shell), a bounded time and output, no
 * terminal prompt (a push that wants a password fails instead of waiting), its own session (so ssh
 * has no terminal to ask on either, and a timeout ends git and its helpers together), and errors that
 * name the command and git's own words with any password or token in a URL taken out.
 */

export interface GitRunOptions {
  /** The folder git runs in. */
  cwd: string;
  /** Added to the environment (after the variables that would point git at another repository are dropped). */
  env?: Record<string, string>;
  /** Written to git's standard input (closed otherwise). */
  input?: string | Buffer;
  /** Milliseconds before git (and its children) are killed: default 20 s. */
  timeoutMs?: number;
  /** Bytes of standard output read before git is stopped as an error: default 4 MiB. */
  maxOutput?: number;
  /** Exit codes that are answers, not failures (`git config --get` answers 1 for an unset key). */
  okCodes?: readonly number[];
}

interface GitOutput {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** A git command that failed: `command` as it would be typed, `stderr` git's own words, both without credentials. */
export class GitError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly code: number | null,
    why: string,
  ) {
    super(`${command} ${why}${stderr ? `: ${stderr.length > 2000 ? `${stderr.slice(0, 2000)}…` : stderr}` : ''}`);
    this.name = 'GitError';
  }
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;
/** Of git's standard error, at most this much is kept (errors quote the start of it). */
const MAX_STDERR = 16 * 1024;

/**
 * Variables that would make git work on another repository, index or identity than the one the
 * caller names (a studio started from a git hook inherits GIT_DIR and GIT_INDEX_FILE).
 */
const DROPPED_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
  'GIT_QUARANTINE_PATH',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
];

/** `https://user:token@host/x` → `https://host/x`: a URL's userinfo never reaches an error or a log. */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]*@/gi, '$1');
}

/** The command as it would be typed, for messages: arguments with spaces quoted, credentials out. */
function gitCommandText(args: readonly string[]): string {
  return redactUrls(['git', ...args].map((arg) => (/^[\w@%+=:,./^{}-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(' '));
}

/** Runs `git ...args`; resolves with its output, rejects with a GitError when it fails, times out or says too much. */
export function runGit(args: readonly string[], options: GitRunOptions): Promise<GitOutput> {
  const command = gitCommandText(args);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of DROPPED_ENV) delete env[name];
  Object.assign(env, options.env, { GIT_TERMINAL_PROMPT: '0' });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutput = options.maxOutput ?? DEFAULT_MAX_OUTPUT;
  const okCodes = options.okCodes ?? [0];

  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // A session of its own: no controlling terminal for ssh to prompt on, and one group to kill.
      detached: true,
      windowsHide: true,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let failure: string | undefined;
    const stop = (why: string) => {
      failure ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => stop(`did not finish within ${timeoutMs} ms`), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOutput) stop(`printed more than ${maxOutput} bytes`);
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => {}); // git may exit before reading all its input: its exit code says why
    child.stdin.end(options.input ?? '');
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new GitError(command, '', null, `could not start (${error.message})`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const words = redactUrls(stderr.slice(0, MAX_STDERR).trim());
      if (failure) reject(new GitError(command, words, code, failure));
      else if (code === null) reject(new GitError(command, words, null, `was killed (${signal})`));
      else if (!okCodes.includes(code)) reject(new GitError(command, words, code, `failed (exit ${code})`));
      else resolve({ stdout: Buffer.concat(out), stderr: words, code });
    });
  });
}
