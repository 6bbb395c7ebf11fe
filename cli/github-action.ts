import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../dsl/language/config.ts';
import { checkProject } from '../dsl/load/project.ts';
import type { Diagnostic } from '../dsl/parse/diagnostics.ts';
import { appendSummary, pullRequestOf, setOutputs, workflowMessage, type PullRequestEvent } from '../review/action-env.ts';
import { githubApiUrl, githubClient, githubToken } from '../review/github.ts';
import { repoFromEnvironment } from '../review/repository.ts';
import { formatGithub } from './format/github.ts';
import { graphCommand } from './graph.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';

/**
 * `flows github-action`: what the GitHub Action (action.yml) runs. Validates the project with
 * annotations, writes the job summary and step outputs, and on a pull request keeps ONE comment
 * up to date with a picture of each changed flow compared with the base. Exit 1 on any error.
 */

/** The hidden marker of the one comment this command keeps on a pull request. */
const COMMENT_MARKER = 'flows-review';
/** GitHub refuses a comment over 65,536 characters; the marker and the tail need some room. */
const COMMENT_ROOM = 60_000;

interface FlowSection {
  file: string;
  markdown: string;
}

export async function githubActionCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, COMMAND_WORDS['github-action'].flags);
  const env = process.env;
  const workspace = resolve(io.cwd, env.GITHUB_WORKSPACE ?? '.');
  const project = resolve(workspace, values.project || '.');
  if (!existsSync(project)) throw new UsageError(`no such project folder: ${values.project}`);
  const commentWanted = (values.comment ?? 'true').trim().toLowerCase();
  if (!['true', 'false'].includes(commentWanted)) throw new UsageError(`--comment takes true or false, not '${values.comment}'`);
  const inRepo = (file: string) => relative(workspace, resolve(project, file)) || file;
  const shownProject = relative(workspace, project) || '.';

  // 1. Validate: annotations on stdout, where the runner reads workflow commands.
  const result = checkProject({ cwd: project, compile: false });
  if (result.files.length === 0) {
    io.out(workflowMessage('error', `flows: no flow files under ${shownProject}/flows (set the action's project input)`));
    setOutputs(env, { errors: 1, warnings: 0, findings: 1, 'changed-flows': 0 });
    return EXIT.findings;
  }
  const broken = new Set(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  const diagnostics = result.diagnostics.map((d) => ({ ...d, file: inRepo(d.file) }));
  io.out(formatGithub(diagnostics));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const verdict = `**flows validate**: ${result.files.length} flow file${result.files.length === 1 ? '' : 's'}, ${count(errors, 'error')}, ${count(warnings, 'warning')}${errors ? ' ❌' : ' ✅'}`;

  // 2. On a pull request: a picture of each changed flow, compared with the base.
  const pr = pullRequestOf(env);
  let sections: FlowSection[] = [];
  let changedNote = '';
  if (pr) {
    const base = values['base-ref'] || pr.baseSha || (pr.baseRef ? `origin/${pr.baseRef}` : undefined);
    if (!base) changedNote = 'The event names no base commit, so nothing was compared.';
    else {
      try {
        sections = await changedFlows(project, base, inRepo, broken);
        if (sections.length === 0) changedNote = `No flow file changed in this pull request (compared with \`${short(base)}\`).`;
      } catch (error) {
        changedNote = `Could not list the changed flows: ${(error as Error).message}`;
        io.out(workflowMessage('warning', `flows: ${changedNote}`));
      }
    }
  }

  const body = [
    '## Flowline',
    '',
    verdict,
    '',
    ...(errors || warnings ? ['The findings are annotations on the changed lines (Files changed tab).', ''] : []),
    ...(changedNote ? [changedNote, ''] : []),
  ];
  const comment = withSections(body, sections);
  appendSummary(env, `${comment}\n${findingsTable(diagnostics)}`);

  // 3. The one comment, created or updated.
  let commentUrl = '';
  if (pr && commentWanted === 'true') {
    commentUrl = await postComment(env, pr, comment, project, io);
  }
  setOutputs(env, { errors, warnings, findings: diagnostics.length, 'changed-flows': sections.length, 'comment-url': commentUrl });
  return errors ? EXIT.findings : EXIT.ok;
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const short = (ref: string) => (/^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 7) : ref);

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The changed flow files (`git diff --name-status BASE...HEAD -- flows/`), each drawn with --compare BASE. */
async function changedFlows(
  project: string,
  base: string,
  inRepo: (file: string) => string,
  broken: ReadonlySet<string>,
): Promise<FlowSection[]> {
  ensureCommit(project, base);
  let listing: string;
  try {
    listing = git(project, ['diff', '--name-status', '--no-renames', '--relative', `${base}...HEAD`, '--', 'flows/']);
  } catch {
    // A shallow checkout has no merge base: the merge commit actions/checkout makes, against its base, is the same change.
    listing = git(project, ['diff', '--name-status', '--no-renames', '--relative', base, 'HEAD', '--', 'flows/']);
  }
  const sections: FlowSection[] = [];
  const config = existsSync(resolve(project, DEFAULT_CONFIG_FILE)) ? ['--config', DEFAULT_CONFIG_FILE] : [];
  for (const line of listing.split('\n').filter(Boolean)) {
    const [status, file] = line.split('\t') as [string, string];
    if (!/\.ya?ml$/.test(file)) continue;
    const shown = inRepo(file);
    if (status === 'D') {
      sections.push({ file: shown, markdown: `### Flow \`${shown}\`\n\n**Removed** in this pull request.\n` });
      continue;
    }
    if (broken.has(file)) {
      sections.push({ file: shown, markdown: `### Flow \`${shown}\`\n\nNot drawn: it does not validate (see the annotations).\n` });
      continue;
    }
    const plain = [file, '--format', 'markdown', ...config];
    if (status === 'A') {
      const drawn = await draw(project, plain);
      sections.push({ file: shown, markdown: `${retitle(drawn.out, file, shown)}\n**New flow** in this pull request.\n` });
      continue;
    }
    const compared = await draw(project, [...plain, '--compare', base]);
    if (compared.code === 0) {
      const markdown = retitle(compared.out, file, shown).replace(`compared with \`${base}\``, `compared with the base \`${short(base)}\``);
      sections.push({ file: shown, markdown });
    } else {
      // The file at the base did not validate (or is not there): the picture without marks, and why.
      const drawn = await draw(project, plain);
      const why = compared.err
        .replace(/^flows graph: /, '')
        .split('\n')[0]!
        .replace(/:$/, '');
      sections.push({ file: shown, markdown: `${retitle(drawn.out, file, shown)}\n_Not compared with \`${short(base)}\`: ${why}._\n` });
    }
  }
  return sections;
}

const retitle = (markdown: string, file: string, shown: string) => markdown.replace(`### Flow \`${file}\``, `### Flow \`${shown}\``);

async function draw(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await graphCommand(args, { cwd, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** The base commit must be here to compare with: actions/checkout fetches one commit unless told `fetch-depth: 0`. */
function ensureCommit(cwd: string, ref: string): void {
  try {
    git(cwd, ['cat-file', '-e', `${ref}^{commit}`]);
  } catch {
    git(cwd, ['fetch', '--no-tags', '--depth=1', 'origin', ref]);
  }
}

/** The comment's text: as many flows as fit GitHub's limit, then a line naming the others. */
function withSections(head: string[], sections: FlowSection[]): string {
  const out = [...head];
  let size = out.join('\n').length;
  const left: string[] = [];
  for (const section of sections) {
    if (size + section.markdown.length + 1 > COMMENT_ROOM) left.push(section.file);
    else {
      out.push(section.markdown);
      size += section.markdown.length + 1;
    }
  }
  if (left.length)
    out.push(`…and ${count(left.length, 'more changed flow')} (too long for one comment): ${left.map((f) => `\`${f}\``).join(', ')}`, '');
  return out.join('\n');
}

function findingsTable(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return '';
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = diagnostics
    .slice(0, 100)
    .map((d) => `| \`${cell(d.file)}:${d.line}:${d.column}\` | ${d.severity} | ${cell(d.message)} | \`${d.rule}\` |`);
  return [
    '| where | severity | finding | rule |',
    '| --- | --- | --- | --- |',
    ...rows,
    ...(diagnostics.length > 100 ? [`\n…and ${diagnostics.length - 100} more.`] : []),
    '',
  ].join('\n');
}

/** Creates or updates the one comment; a failure is a warning on the run, not a failed check (the findings are the check). */
async function postComment(env: NodeJS.ProcessEnv, pr: PullRequestEvent, body: string, project: string, io: CliIo): Promise<string> {
  const token = githubToken(env);
  if (!token) {
    io.out(workflowMessage('warning', 'flows: no GITHUB_TOKEN, so no comment on the pull request (give the action github-token)'));
    return '';
  }
  let remote: string | undefined;
  try {
    remote = git(project, ['remote', 'get-url', 'origin']).trim();
  } catch {
    remote = undefined;
  }
  const repo = repoFromEnvironment(env, remote);
  if (!repo) {
    io.out(workflowMessage('warning', 'flows: no GITHUB_REPOSITORY and no GitHub remote, so no comment on the pull request'));
    return '';
  }
  try {
    const client = githubClient({ token, baseUrl: githubApiUrl(undefined, env), timeoutMs: 30_000 });
    const made = await client.upsertComment({ ...repo, issueNumber: pr.number, marker: COMMENT_MARKER, body });
    io.err(`flows: ${made.action} the comment on #${pr.number}: ${made.url}\n`);
    return made.url;
  } catch (error) {
    io.out(workflowMessage('warning', `flows: ${(error as Error).message}`));
    return '';
  }
}
