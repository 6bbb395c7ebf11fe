import type { Client } from '@temporalio/client';

/** Temporal visibility: what runs are doing now. It lags the runs by a moment (eventually consistent). */
const quote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export interface RunFilter {
  flow: string;
  version?: string;
  step?: string;
  user?: string;
  running?: boolean;
}

export function runQuery(filter: RunFilter): string {
  const clauses = [`WorkflowType = 'flowRun'`, `FlowId = ${quote(filter.flow)}`];
  if (filter.version !== undefined) clauses.push(`FlowVersion = ${quote(filter.version)}`);
  if (filter.step !== undefined) clauses.push(`FlowStep = ${quote(filter.step)}`);
  if (filter.user !== undefined) clauses.push(`UserId = ${quote(filter.user)}`);
  if (filter.running !== false) clauses.push(`ExecutionStatus = 'Running'`);
  return clauses.join(' AND ');
}

/** Runs matching now; visibility cannot GROUP BY a custom attribute, so callers count per step. */
export async function countRuns(client: Client, filter: RunFilter): Promise<number> {
  // A page must not hang on a Temporal that does not answer: give up after a few seconds.
  return (await client.withDeadline(Date.now() + COUNT_DEADLINE_MS, () => client.workflow.count(runQuery(filter)))).count;
}

const COUNT_DEADLINE_MS = 5000;

export const userQuery = (user: string): string => `WorkflowType = 'flowRun' AND UserId = ${quote(user)}`;

/** A run's page in Temporal Web. */
export const temporalWebLink = (web: string, namespace: string, workflowId: string, runId: string): string => {
  const [ns, id, run] = [namespace, workflowId, runId].map(encodeURIComponent);
  return `${web.replace(/\/$/, '')}/namespaces/${ns}/workflows/${id}/${run}/history`;
};
