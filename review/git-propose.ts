import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError, runGit, type GitRunOptions } from './git-run.ts';

/**
 * A flow file's new text proposed as a git branch, without touching the checkout: the file is read
 * from a branch (not the working tree), and the new text becomes one commit on a new branch on top
 * of that branch's tip, made with git's plumbing and a temporary index, then pushed when the
 * repository has a remote. The checked-out branch, HEAD, the index and the working tree are never
 * written; an existing branch is never moved; a file changed on the branch since it was opened is
 * never overwritten (the answer carries its current text instead).
 */

/** A flow file as read from a branch: what a proposal starts from. */
export interface OpenedFile {
  /** The path relative to the repository's root, e.g. `flows/welcome.yaml`. */
  file: string;
  /** The branch the file was read from, e.g. `main`. */
  base: string;
  /** The git blob hash of the file on `base` when it was read; null when the file is not there (a new file). */
  blob: string | null;
  text: string;
}

export type ProposeResult =
  | {
      ok: true;
      /** The new branch (its short name). */
      branch: string;
      /** The one commit on it. */
      commit: string;
      base: string;
      /** The base branch's tip the commit sits on. */
      baseCommit: string;
      file: string;
      /** Whether the branch reached the remote. */
      pushed: boolean;
      /** The remote's name (never its URL) when there was one to push to. */
      remote?: string;
      /** Why the push failed (git's words, without credentials): the branch exists locally all the same. */
      pushError?: string;
      /** The unified diff of the one file (a/ and b/ names). */
      diff: string;
    }
  | { ok: false; reason: 'changed-on-base'; current: OpenedFile; message: string }
  | { ok: false; reason: 'unchanged' | 'refused'; message: string };

interface ProposeOptions {
  /** The new branch's name; default proposalBranchName(the file's name, now). A name taken gets a suffix (`-2`, `-3`, …). */
  branch?: string;
  /** The commit message; default `Update flows/x.yaml` (`Add` for a new file), proposed from Flowline Studio. */
  message?: string;
  /** Default: the repository's user.name and user.email, else Flowline Studio <studio@flowline.invalid>. */
  author?: { name: string; email: string };
  /** The remote pushed to; default `origin` when it exists. A remote named but not configured is refused. */
  remote?: string;
  /** Default: true when the remote exists. `true` without a remote is refused. */
  push?: boolean;
  /** The time the default branch name is made of (tests). */
  now?: Date;
}

/** A request this module will not carry out: a path outside flows/, a symlink, a bad branch name, too much text. */
export class ProposalRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProposalRefused';
  }
}

/** The largest flow file read or written: 1 MiB. */
const MAX_FLOW_BYTES = 1024 * 1024;
const MAX_MESSAGE_BYTES = 64 * 1024;
const MAX_PATH_DEPTH = 4;
const DEFAULT_AUTHOR = { name: 'Flowline Studio', email: 'studio@flowline.invalid' };
const PUSH_TIMEOUT_MS = 60_000;
const LIST_TIMEOUT_MS = 20_000;
/** How many suffixed names are tried when the branch name is taken. */
const MAX_NAME_TRIES = 20;

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;
const HASH = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * A flow file's path, relative to the root: `flows/<name>.yaml` (or `.yml`), in folders under flows/
 * at most four deep, every part a plain file name (letters, digits, `.`, `_`, `-`; no `..`).
 */
function checkFlowPath(file: unknown): string {
  if (typeof file !== 'string' || file.length > 400) throw new ProposalRefused('the file must be a path like flows/<name>.yaml');
  const parts = file.split('/');
  const name = parts[parts.length - 1]!;
  const ok =
    parts[0] === 'flows' &&
    parts.length >= 2 &&
    parts.length <= MAX_PATH_DEPTH + 2 &&
    parts.slice(1).every((part) => SAFE_NAME.test(part) && !part.includes('..') && !part.toLowerCase().endsWith('.lock')) &&
    /\.ya?ml$/.test(name) &&
    name.replace(/\.ya?ml$/, '').length > 0;
  if (!ok)
    throw new ProposalRefused(`${JSON.stringify(file.slice(0, 200))} is not a flow file: only flows/<name>.yaml (or .yml) can be proposed`);
  return file;
}

/** A branch name git accepts for a branch (checked by `git check-ref-format`), not HEAD, not an option. */
async function checkBranchName(cwd: string, name: unknown, what: string): Promise<string> {
  const plain =
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= 200 &&
    !name.startsWith('-') &&
    name !== 'HEAD' &&
    !name.startsWith('refs/') &&
    /^[\x21-\x7e]+$/.test(name);
  if (plain) {
    const answer = await runGit(['check-ref-format', `refs/heads/${name}`], { cwd, okCodes: [0, 1] });
    if (answer.code === 0) return name;
  }
  throw new ProposalRefused(`${what} ${JSON.stringify(String(name).slice(0, 200))} is not a valid branch name`);
}

/** The branch a proposal of a flow gets: `flowline/<flow id>-YYYYMMDD-HHMMSS` (UTC), the id reduced to letters, digits and `-`. */
export function proposalBranchName(flowId: string, now: Date): string {
  const id =
    flowId
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'flow';
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `flowline/${id}-${day}-${time}`;
}

/** Where git runs: the top of the working tree (paths are then from the root), or a bare repository itself. */
async function repoCwd(repoRoot: string): Promise<string> {
  const folder = await stat(repoRoot).catch(() => null);
  if (!folder?.isDirectory()) throw new ProposalRefused(`${repoRoot} is not a folder`);
  const top = await runGit(['rev-parse', '--show-toplevel'], { cwd: repoRoot, okCodes: [0, 128] });
  if (top.code === 0) return top.stdout.toString('utf8').replace(/\n$/, '');
  const bare = await runGit(['rev-parse', '--is-bare-repository'], { cwd: repoRoot, okCodes: [0, 128] });
  if (bare.code === 0 && bare.stdout.toString('utf8').trim() === 'true') return repoRoot;
  throw new ProposalRefused(`${repoRoot} is not in a git repository${bare.stderr ? ` (${bare.stderr.split('\n')[0]})` : ''}`);
}

const text = (out: { stdout: Buffer }) => out.stdout.toString('utf8').trim();

async function checkedOutBranch(cwd: string): Promise<string> {
  const head = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, okCodes: [0, 1] });
  if (head.code !== 0) throw new ProposalRefused('HEAD is not on a branch: name the base branch');
  return text(head);
}

/** The checked-out branch: what a file is opened from, and a proposal made on, by default. */
export async function defaultBase(repoRoot: string): Promise<string> {
  return checkedOutBranch(await repoCwd(repoRoot));
}

/** The branch's tip commit, or null when there is no such branch. */
async function branchTip(cwd: string, branch: string): Promise<string | null> {
  const tip = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd, okCodes: [0, 1] });
  return tip.code === 0 ? text(tip) : null;
}

interface TreeEntry {
  mode: string;
  type: string;
  hash: string;
}

/** One tree's entry by name (`git ls-tree` of the tree, read whole: no pathspec matching). */
async function treeEntry(cwd: string, tree: string, name: string): Promise<TreeEntry | null> {
  const listing = await runGit(['ls-tree', '-z', tree], { cwd });
  for (const line of listing.stdout.toString('utf8').split('\0')) {
    const tab = line.indexOf('\t');
    if (tab < 0 || line.slice(tab + 1) !== name) continue;
    const [mode, type, hash] = line.slice(0, tab).split(' ');
    return { mode: mode!, type: type!, hash: hash! };
  }
  return null;
}

/**
 * The file's entry in a commit, walked one folder at a time so nothing is reached through a symlink:
 * null when the file is not there (a new file), refused when a folder on the way is not a folder or
 * the file is not a regular file (a symlink, a folder, a submodule).
 */
async function fileEntry(cwd: string, commit: string, file: string): Promise<{ mode: string; blob: string } | null> {
  const parts = file.split('/');
  let tree = text(await runGit(['rev-parse', '--verify', `${commit}^{tree}`], { cwd }));
  for (const [index, part] of parts.entries()) {
    const entry = await treeEntry(cwd, tree, part);
    if (!entry) return null;
    const here = parts.slice(0, index + 1).join('/');
    if (index < parts.length - 1) {
      if (entry.type !== 'tree')
        throw new ProposalRefused(`${here} is not a folder on the branch (${describeMode(entry.mode)}): ${file} cannot be proposed`);
      tree = entry.hash;
    } else if (entry.mode !== '100644' && entry.mode !== '100755') {
      throw new ProposalRefused(`${file} is ${describeMode(entry.mode)} on the branch, not a regular file: it cannot be proposed`);
    } else return { mode: entry.mode, blob: entry.hash };
  }
  return null;
}

const describeMode = (mode: string): string =>
  mode === '120000' ? 'a symlink' : mode === '040000' ? 'a folder' : mode === '160000' ? 'a submodule' : `mode ${mode}`;

/** A blob's text: refused when it is over 1 MiB or not UTF-8 (the studio edits text; bytes it cannot show are not rewritten). */
async function blobText(cwd: string, blob: string, file: string): Promise<string> {
  const size = Number(text(await runGit(['cat-file', '-s', blob], { cwd })));
  if (size > MAX_FLOW_BYTES) throw new ProposalRefused(`${file} is ${size} bytes: files over ${MAX_FLOW_BYTES} bytes cannot be proposed`);
  const bytes = (await runGit(['cat-file', 'blob', blob], { cwd, maxOutput: MAX_FLOW_BYTES })).stdout;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ProposalRefused(`${file} is not UTF-8 text: it cannot be proposed`);
  }
}

async function readAt(cwd: string, commit: string, file: string, base: string): Promise<OpenedFile> {
  const entry = await fileEntry(cwd, commit, file);
  if (!entry) return { file, base, blob: null, text: '' };
  return { file, base, blob: entry.blob, text: await blobText(cwd, entry.blob, file) };
}

/**
 * A flow file as it is on a branch (default: the checked-out one), read with git, not from the
 * working tree: its text and its blob hash, which proposeFile compares to find a change made since.
 * A file not on the branch opens as new (blob null, empty text). Throws ProposalRefused for a path
 * that is not a flow file, a symlink, a missing branch; GitError when git fails.
 */
export async function openFile(repoRoot: string, file: string, base?: string): Promise<OpenedFile> {
  checkFlowPath(file);
  const cwd = await repoCwd(repoRoot);
  const branch = await checkBranchName(cwd, base ?? (await checkedOutBranch(cwd)), 'the base branch');
  const tip = await branchTip(cwd, branch);
  if (!tip) throw new ProposalRefused(`there is no branch ${branch}`);
  return readAt(cwd, tip, file, branch);
}

const refused = (message: string): ProposeResult => ({ ok: false, reason: 'refused', message });

function checkPerson(author: unknown): { name: string; email: string } {
  const person = author as { name?: unknown; email?: unknown } | null;
  const field = (value: unknown) =>
    typeof value === 'string' && value.trim().length > 0 && value.length <= 200 && !/[<>\x00-\x1f\x7f]/.test(value);
  if (!person || !field(person.name) || !field(person.email)) {
    throw new ProposalRefused('the author needs a name and an email, each one line without < or >');
  }
  return { name: String(person.name).trim(), email: String(person.email).trim() };
}

/** The repository's user.name and user.email (each as configured, else Flowline Studio's). */
async function configuredAuthor(cwd: string): Promise<{ name: string; email: string }> {
  const get = async (key: string) => {
    const value = await runGit(['config', '--get', key], { cwd, okCodes: [0, 1] });
    const found = value.code === 0 ? text(value) : '';
    return found && !/[<>\x00-\x1f\x7f]/.test(found) ? found : undefined;
  };
  return { name: (await get('user.name')) ?? DEFAULT_AUTHOR.name, email: (await get('user.email')) ?? DEFAULT_AUTHOR.email };
}

async function remotes(cwd: string): Promise<string[]> {
  return text(await runGit(['remote'], { cwd }))
    .split('\n')
    .filter(Boolean);
}

/**
 * The remote's branches named `wanted` or `wanted-<n>`, as `git ls-remote` lists them now; none
 * when the remote cannot be asked (the push then says why, and its lease still refuses a name taken).
 */
async function remoteNames(cwd: string, remote: string, wanted: string): Promise<Set<string>> {
  try {
    const listed = await runGit(['ls-remote', '--heads', remote, `refs/heads/${wanted}`, `refs/heads/${wanted}-*`], {
      cwd,
      timeoutMs: LIST_TIMEOUT_MS,
    });
    return new Set(
      listed.stdout
        .toString('utf8')
        .split('\n')
        .map((line) => line.split('\t')[1] ?? '')
        .filter((ref) => ref.startsWith('refs/heads/'))
        .map((ref) => ref.slice('refs/heads/'.length)),
    );
  } catch (error) {
    if (error instanceof GitError) return new Set();
    throw error;
  }
}

/** Whether a branch name is taken here, on the remote as last fetched, or on the remote now. */
async function nameTaken(cwd: string, branch: string, remote: string | undefined, onRemote: ReadonlySet<string>): Promise<boolean> {
  if (onRemote.has(branch)) return true;
  const refs = [`refs/heads/${branch}`, ...(remote ? [`refs/remotes/${remote}/${branch}`] : [])];
  for (const ref of refs) {
    const found = await runGit(['rev-parse', '--verify', '--quiet', ref], { cwd, okCodes: [0, 1] });
    if (found.code === 0) return true;
  }
  return false;
}

/**
 * Creates the branch at the commit, never moving one that exists (`update-ref` with an empty old
 * value): a name taken here or on the remote gets `-2`, `-3`, … Answers the name made.
 */
async function createBranch(cwd: string, wanted: string, commit: string, remote: string | undefined, file: string): Promise<string> {
  const onRemote = remote ? await remoteNames(cwd, remote, wanted) : new Set<string>();
  for (let attempt = 1; attempt <= MAX_NAME_TRIES; attempt++) {
    const name = attempt === 1 ? wanted : `${wanted}-${attempt}`;
    if (attempt > 1) await checkBranchName(cwd, name, 'the branch');
    if (await nameTaken(cwd, name, remote, onRemote)) continue;
    try {
      await runGit(['update-ref', '-m', `flowline: propose ${file}`, `refs/heads/${name}`, commit, ''], { cwd });
      return name;
    } catch (error) {
      // Made meanwhile by someone else: try the next name. Any other failure is the answer.
      if (!(error instanceof GitError) || !(await nameTaken(cwd, name, undefined, onRemote))) throw error;
    }
  }
  throw new ProposalRefused(`the branch names ${wanted} to ${wanted}-${MAX_NAME_TRIES} are all taken`);
}

/**
 * Proposes `newText` as the file's text: one commit changing only that file, on top of the base
 * branch's current tip, on a new branch, pushed to the remote when there is one. Answers:
 * - ok, with the branch, the commit and the diff; `pushed: false` and `pushError` when the push
 *   failed (the branch is made all the same, so a later push can send it);
 * - `changed-on-base` when the file on the base branch is no longer the one opened, with its current
 *   text: nothing is written;
 * - `unchanged` when the text is what the base branch has; `refused` for a path, name, author,
 *   remote or size this will not use.
 * Throws GitError when git itself fails (a broken repository, a timeout).
 */
export async function proposeFile(
  repoRoot: string,
  opened: OpenedFile,
  newText: string,
  options: ProposeOptions = {},
): Promise<ProposeResult> {
  try {
    return await propose(repoRoot, opened, newText, options);
  } catch (error) {
    if (error instanceof ProposalRefused) return refused(error.message);
    throw error;
  }
}

async function propose(repoRoot: string, opened: OpenedFile, newText: string, options: ProposeOptions): Promise<ProposeResult> {
  // Everything is checked before anything is written.
  const file = checkFlowPath(opened?.file);
  if (opened.blob !== null && (typeof opened.blob !== 'string' || !HASH.test(opened.blob)))
    return refused('the opened file has no valid blob hash');
  if (typeof newText !== 'string') return refused('the new text must be text');
  const newBytes = Buffer.from(newText, 'utf8');
  if (newBytes.length > MAX_FLOW_BYTES)
    return refused(`the new text is ${newBytes.length} bytes: at most ${MAX_FLOW_BYTES} can be proposed`);
  const cwd = await repoCwd(repoRoot);
  const base = await checkBranchName(cwd, opened.base, 'the base branch');
  const message = commitMessage(options.message, file, opened.blob === null);
  const author = options.author !== undefined ? checkPerson(options.author) : await configuredAuthor(cwd);

  const known = await remotes(cwd);
  let remote: string | undefined;
  if (options.remote !== undefined) {
    if (typeof options.remote !== 'string' || options.remote.startsWith('-') || !known.includes(options.remote)) {
      return refused(`there is no remote ${JSON.stringify(String(options.remote).slice(0, 100))}`);
    }
    remote = options.remote;
  } else if (known.includes('origin')) remote = 'origin';
  const push = options.push ?? remote !== undefined;
  if (push && !remote) return refused('there is no remote to push to');

  const baseCommit = await branchTip(cwd, base);
  if (!baseCommit) return refused(`there is no branch ${base}`);
  const wanted = await checkBranchName(cwd, options.branch ?? proposalBranchName(flowName(file), options.now ?? new Date()), 'the branch');

  // The file as it now is on the base branch: a change since it was opened is never overwritten.
  const current = await fileEntry(cwd, baseCommit, file);
  const currentBlob = current?.blob ?? null;
  if (currentBlob !== opened.blob) {
    const now = await readAt(cwd, baseCommit, file, base);
    const what = opened.blob === null ? 'was added' : currentBlob === null ? 'was deleted' : 'was changed';
    return {
      ok: false,
      reason: 'changed-on-base',
      current: now,
      message: `${file} ${what} on ${base} since it was opened: nothing was written; review its current text and propose again`,
    };
  }
  // Hashed as given: no filters (line endings, attributes) between the studio's text and the commit.
  const newBlob = text(await runGit(['hash-object', '-t', 'blob', '--stdin'], { cwd, input: newBytes }));
  if (newBlob === currentBlob)
    return { ok: false, reason: 'unchanged', message: `${file} on ${base} already has this text: there is nothing to propose` };
  await runGit(['hash-object', '-t', 'blob', '-w', '--stdin'], { cwd, input: newBytes });

  const tree = await treeWith(cwd, baseCommit, file, newBlob, current?.mode ?? '100644');
  const ident = {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  const commit = text(await runGit(['commit-tree', tree, '-p', baseCommit, '-F', '-'], { cwd, env: ident, input: message }));
  const branch = await createBranch(cwd, wanted, commit, push ? remote : undefined, file);
  const diff = (
    await runGit(
      [
        'diff',
        '--no-ext-diff',
        '--no-textconv',
        '--no-color',
        '--no-renames',
        '--src-prefix=a/',
        '--dst-prefix=b/',
        baseCommit,
        commit,
        '--',
        file,
      ],
      { cwd },
    )
  ).stdout.toString('utf8');

  const made = { ok: true as const, branch, commit, base, baseCommit, file, diff };
  if (!push || !remote) return { ...made, pushed: false, ...(remote ? { remote } : {}) };
  const pushError = await pushBranch(cwd, remote, branch);
  return pushError === undefined ? { ...made, pushed: true, remote } : { ...made, pushed: false, remote, pushError };
}

/** `flows/onboarding/welcome.yaml` → `welcome`: the default branch's flow part. */
const flowName = (file: string): string =>
  file
    .split('/')
    .pop()!
    .replace(/\.ya?ml$/, '');

function commitMessage(given: unknown, file: string, created: boolean): string {
  if (given === undefined) return `${created ? 'Add' : 'Update'} ${file}\n\nProposed from the Flowline Studio.\n`;
  if (typeof given !== 'string' || !given.trim()) throw new ProposalRefused('the commit message must be non-empty text');
  if (Buffer.byteLength(given) > MAX_MESSAGE_BYTES || given.includes('\0'))
    throw new ProposalRefused(`the commit message must be text under ${MAX_MESSAGE_BYTES} bytes`);
  return given.endsWith('\n') ? given : `${given}\n`;
}

/** The base commit's tree with the one file set to the blob, built in a temporary index (the repository's own is never read or written). */
async function treeWith(cwd: string, baseCommit: string, file: string, blob: string, mode: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flowline-propose-'));
  try {
    const options: GitRunOptions = { cwd, env: { GIT_INDEX_FILE: join(dir, 'index') } };
    await runGit(['read-tree', baseCommit], options);
    await runGit(['update-index', '--add', '--cacheinfo', `${mode},${blob},${file}`], options);
    return text(await runGit(['write-tree'], options));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Pushes the branch to the same name on the remote, only if the remote has no branch of that name
 * (a lease with an empty expected value: a branch someone made meanwhile is never moved, not even
 * fast-forwarded). Answers why it failed (git's words, without credentials), or undefined.
 */
async function pushBranch(cwd: string, remote: string, branch: string): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  try {
    await runGit(['push', `--force-with-lease=${ref}:`, remote, `${ref}:${ref}`], { cwd, timeoutMs: PUSH_TIMEOUT_MS });
    return undefined;
  } catch (error) {
    if (error instanceof GitError) return error.message;
    throw error;
  }
}
