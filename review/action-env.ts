import { appendFileSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

/**
 * What GitHub Actions gives a step and takes from it: the event's JSON (GITHUB_EVENT_PATH), the
 * outputs file (GITHUB_OUTPUT) and the job summary (GITHUB_STEP_SUMMARY).
 */

export interface PullRequestEvent {
  number: number;
  baseSha?: string;
  baseRef?: string;
  headSha?: string;
  headRef?: string;
}

/** The pull request a `pull_request` (or `pull_request_target`) event is about, else undefined. */
export function pullRequestOf(env: NodeJS.ProcessEnv): PullRequestEvent | undefined {
  if (!['pull_request', 'pull_request_target'].includes(env.GITHUB_EVENT_NAME ?? '') || !env.GITHUB_EVENT_PATH) return undefined;
  let event: { pull_request?: { number?: unknown; base?: { sha?: string; ref?: string }; head?: { sha?: string; ref?: string } } };
  try {
    event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as typeof event;
  } catch (error) {
    throw new Error(`cannot read the event at GITHUB_EVENT_PATH (${env.GITHUB_EVENT_PATH}): ${(error as Error).message}`);
  }
  const pr = event.pull_request;
  if (!pr || typeof pr.number !== 'number') return undefined;
  return { number: pr.number, baseSha: pr.base?.sha, baseRef: pr.base?.ref, headSha: pr.head?.sha, headRef: pr.head?.ref };
}

/** Appends step outputs to GITHUB_OUTPUT (a delimiter form for values over several lines); nothing without it. */
export function setOutputs(env: NodeJS.ProcessEnv, outputs: Record<string, string | number>): void {
  if (!env.GITHUB_OUTPUT) return;
  const text = Object.entries(outputs)
    .map(([name, raw]) => {
      const value = String(raw);
      if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
      const delimiter = `flowline_${randomUUID()}`;
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join('');
  appendFileSync(env.GITHUB_OUTPUT, text);
}

/** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY); nothing without it. */
export function appendSummary(env: NodeJS.ProcessEnv, markdown: string): void {
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}

// Workflow commands: data escapes %, CR, LF.
const data = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A `::warning::` or `::error::` line without a file: shown on the run's page. */
export const workflowMessage = (level: 'warning' | 'error' | 'notice', text: string): string => `::${level}::${data(text)}\n`;
