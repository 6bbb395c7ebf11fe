import { stateQuery } from '../workflows/messages.ts';
import { FLOW_STEP } from '../workflows/search-attributes.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { withTemporalClient } from './temporal-client.ts';

export const STATUS_USAGE = 'flows status [--flow ID] [--all] [--limit N]';

/** Lists runs with their current step, and for running ones what they wait for. */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { flow: { type: 'string' }, all: { type: 'boolean' }, limit: { type: 'string' } });
  const limit = Number(values.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
  if (values.flow !== undefined && !/^[a-z0-9-]+$/.test(values.flow)) throw new UsageError('--flow takes a flow id (lowercase kebab-case)');
  return withTemporalClient(io, 'status', async (client) => {
    const clauses = [`WorkflowType = 'flowRun'`];
    if (values.flow) clauses.push(`FlowId = '${values.flow}'`);
    if (!values.all) clauses.push(`ExecutionStatus = 'Running'`);
    const rows: string[][] = [['WORKFLOW ID', 'STATUS', 'STEP', 'WAITING', 'STARTED']];
    for await (const run of client.workflow.list({ query: clauses.join(' AND ') })) {
      if (rows.length > limit) break;
      let waiting = '';
      if (run.status.name === 'RUNNING') {
        const state = await client.workflow.getHandle(run.workflowId, run.runId).query(stateQuery).catch(() => undefined);
        if (state?.waiting) waiting = `${state.waiting.kind}${state.waiting.event ? ` ${state.waiting.event}` : ''} until ${state.waiting.until}`;
      }
      rows.push([
        run.workflowId,
        run.status.name,
        String(run.typedSearchAttributes.get(FLOW_STEP) ?? ''),
        waiting,
        run.startTime.toISOString(),
      ]);
    }
    if (rows.length === 1) {
      io.out(`no ${values.all ? '' : 'running '}runs${values.flow ? ` of ${values.flow}` : ''}\n`);
      return EXIT.ok;
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    io.out(rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n');
    return EXIT.ok;
  });
}
