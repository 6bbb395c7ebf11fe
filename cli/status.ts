import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { stepLabel } from '../dsl/language/describe.ts';
import { stepsById } from '../dsl/language/ir.ts';
import { checkProject } from '../dsl/load/project.ts';
import type { FlowRunResult } from '../workflows/input.ts';
import { stateQuery } from '../workflows/messages.ts';
import { verdictOf, type RunWord } from '../workflows/run-verdict.ts';
import { FLOW_ID, FLOW_STEP, FLOW_VERSION, USER_ID } from '../workflows/search-attributes.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { flowRows } from './status-flows.ts';
import { withTemporalClient } from './temporal-client.ts';

/**
 * Lists the flows with their status and running runs, then runs with the step they are at, by a name a person can read, what running ones wait
 * for, and how closed ones ended (workflows/run-verdict.ts: a run that left on exit_when is `exited`, not Temporal's COMPLETED) and why.
 */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, COMMAND_WORDS.status.flags);
  const limit = Number(values.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
  if (values.flow !== undefined && !/^[a-z0-9-]+$/.test(values.flow)) throw new UsageError('--flow takes a flow id (lowercase kebab-case)');
  return withTemporalClient(io, 'status', async (client) => {
    const flows = await flowRows(client, io.cwd, values.flow);
    const name = stepNamer(io.cwd);
    if (flows.length > 1) io.out(`${table(flows)}\n`);
    const clauses = [`WorkflowType = 'flowRun'`];
    if (values.flow) clauses.push(`FlowId = '${values.flow}'`);
    if (!values.all) clauses.push(`ExecutionStatus = 'Running'`);
    const rows: string[][] = [['FLOW', 'USER', 'STATUS', 'STEP', 'WAITING', 'STARTED']];
    const failures: string[] = [];
    for await (const run of client.workflow.list({ query: clauses.join(' AND ') })) {
      if (rows.length > limit) break;
      const row = await describeRun(client, run, name);
      rows.push([row.flow, row.user, row.word, row.step, row.waiting, run.startTime.toISOString()]);
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
  /** The verdict's word: running, completed, exited, failed… */
  word: RunWord;
  step: string;
  waiting: string;
  failure?: string;
}

/** Names a run's step as people read it (`wait 3d (line 35)`, not `#4`) when the repository has the run's version of the flow. */
type StepNamer = (flow: string, version: string, id: string) => string;

function stepNamer(cwd: string): StepNamer {
  const loaded = (() => {
    try {
      return checkProject({ cwd }).flows;
    } catch {
      return []; // not a Flowline repository: ids as they are
    }
  })();
  const flows = new Map(loaded.map((f) => [f.flow, { version: f.version, steps: stepsById(f) }]));
  return (flow, version, id) => {
    const found = flows.get(flow);
    const step = found?.version === version ? found.steps.get(id) : undefined;
    return step ? stepLabel(step) : id;
  };
}

/** What a person needs of one run: how it ended or the step it is at, by name, the wait, the failure message. */
async function describeRun(client: Client, run: WorkflowExecutionInfo, name: StepNamer): Promise<RunRow> {
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  const flow = String(run.typedSearchAttributes.get(FLOW_ID) ?? '');
  const user = String(run.typedSearchAttributes.get(USER_ID) ?? '');
  const version = String(run.typedSearchAttributes.get(FLOW_VERSION) ?? '');
  const at = String(run.typedSearchAttributes.get(FLOW_STEP) ?? '');
  const row: RunRow = { flow, user, word: verdictOf(run.status.name).word, step: at && name(flow, version, at), waiting: '' };
  const status = run.status.name;
  if (status === 'RUNNING') {
    const state = await handle.query(stateQuery).catch(() => undefined);
    if (state) {
      row.user = state.user;
      row.step = state.stepLabel ?? state.step ?? row.step;
      if (state.waiting)
        row.waiting = `${state.waiting.kind}${state.waiting.event ? ` ${state.waiting.event}` : ''} until ${state.waiting.until}`;
    }
  } else if (status === 'COMPLETED') {
    // One history read filtered to the close event (bounded, whatever the run's length): its result says completed or exited, and why.
    const result = await handle.result().catch(() => undefined);
    const verdict = verdictOf(status, result as FlowRunResult | undefined);
    row.word = verdict.word;
    const last = (result as FlowRunResult | undefined)?.path.at(-1);
    row.step = verdict.reason ?? (last ? name(flow, version, last) : row.step);
  } else if (status === 'FAILED' || status === 'TIMED_OUT' || status === 'TERMINATED' || status === 'CANCELLED') {
    const error = await handle.result().then(
      () => undefined,
      (e: unknown) => e as { cause?: Error; message?: string },
    );
    const verdict = verdictOf(status, null, error?.cause?.message ?? error?.message);
    row.word = verdict.word;
    row.failure = verdict.reason ?? verdict.word;
    // The interpreter's failure names the step by its label: "step wait 3d (line 35) failed: …".
    const named = /^step (.+?) failed: /.exec(row.failure);
    if (named) row.step = named[1]!;
  }
  return row;
}
