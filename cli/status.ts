import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { stateQuery } from '../workflows/messages.ts';
import { FLOW_ID, FLOW_STEP, USER_ID } from '../workflows/search-attributes.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { flowRows } from './status-flows.ts';
import { withTemporalClient } from './temporal-client.ts';

/**
 * Lists the flows with their status and running runs, then runs with the step they are at, by a name a person can read, what running ones wait
 * for, and why failed ones failed.
 */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, COMMAND_WORDS.status.flags);
  const limit = Number(values.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
  if (values.flow !== undefined && !/^[a-z0-9-]+$/.test(values.flow)) throw new UsageError('--flow takes a flow id (lowercase kebab-case)');
  return withTemporalClient(io, 'status', async (client) => {
    const flows = await flowRows(client, io.cwd, values.flow);
    if (flows.length > 1) io.out(`${table(flows)}\n`);
    const clauses = [`WorkflowType = 'flowRun'`];
    if (values.flow) clauses.push(`FlowId = '${values.flow}'`);
    if (!values.all) clauses.push(`ExecutionStatus = 'Running'`);
    const rows: string[][] = [['FLOW', 'USER', 'STATUS', 'STEP', 'WAITING', 'STARTED']];
    const failures: string[] = [];
    for await (const run of client.workflow.list({ query: clauses.join(' AND ') })) {
      if (rows.length > limit) break;
      const row = await describeRun(client, run);
      rows.push([row.flow, row.user, run.status.name, row.step, row.waiting, run.startTime.toISOString()]);
      if (row.failure) failures.push(`${run.workflowId}: ${row.failure}`);
    }
    if (rows.length === 1) {
      io.out(`no ${values.all ? '' : 'running '}runs${values.flow ? ` of ${values.flow}` : ''}\n`);
      return EXIT.ok;
    }
    io.out(`${table(rows)}\n`);
    if (failures.length) io.out(`\nwhy runs failed:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
    return EXIT.ok;
  });
}

/** Columns padded to their widest cell. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

interface RunRow {
  flow: string;
  user: string;
  step: string;
  waiting: string;
  failure?: string;
}

/** What a person needs of one run: the step by name, the wait, the failure message. */
async function describeRun(client: Client, run: WorkflowExecutionInfo): Promise<RunRow> {
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  const flow = String(run.typedSearchAttributes.get(FLOW_ID) ?? '');
  const user = String(run.typedSearchAttributes.get(USER_ID) ?? '');
  const row: RunRow = { flow, user, step: String(run.typedSearchAttributes.get(FLOW_STEP) ?? ''), waiting: '' };
  if (run.status.name === 'RUNNING') {
    const state = await handle.query(stateQuery).catch(() => undefined);
    if (state) {
      row.user = state.user;
      row.step = state.stepLabel ?? state.step ?? row.step;
      if (state.waiting)
        row.waiting = `${state.waiting.kind}${state.waiting.event ? ` ${state.waiting.event}` : ''} until ${state.waiting.until}`;
    }
  } else if (run.status.name === 'FAILED' || run.status.name === 'TIMED_OUT' || run.status.name === 'TERMINATED') {
    const error = await handle.result().then(
      () => undefined,
      (e: unknown) => e as { cause?: Error; message?: string },
    );
    // The interpreter's failure names the step by its label: "step wait 3d (line 35) failed: …".
    row.failure = error?.cause?.message ?? error?.message ?? run.status.name.toLowerCase();
    const named = /^step (.+?) failed: /.exec(row.failure);
    if (named) row.step = named[1]!;
  }
  return row;
}
