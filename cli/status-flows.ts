import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { hasErrors } from '../dsl/parse/diagnostics.ts';
import { flowPhase, windowText } from '../dsl/language/lifecycle.ts';
import { checkProject } from '../dsl/load/project.ts';
import type { FlowIR } from '../dsl/language/ir.ts';
import { runningRunsQuery } from '../ingest/flow-stops.ts';
import { isTimed } from '../ingest/scheduled-entries.ts';
import { scheduleId } from '../ingest/schedules.ts';

/**
 * The first part of `flows status`: each flow of the repository with its status now (an active
 * window may have closed or not opened yet), its window, and how many runs it still has running
 * (Temporal visibility); when a flow is entered on a schedule or a date, a last column with its
 * Temporal Schedule's next firing. Empty when the project does not load: the runs below still show.
 */
export async function flowRows(client: Client, cwd: string, only?: string): Promise<string[][]> {
  const project = checkProject({ cwd });
  if (hasErrors(project.diagnostics)) return [];
  const flows = project.flows.filter((f) => only === undefined || f.flow === only);
  const now = Date.now();
  const timed = flows.some(isTimed);
  const rows = await Promise.all(
    flows.map(async (f) => {
      const running = await client.workflow.count(runningRunsQuery(f.flow));
      const row = [f.flow, flowPhase(f, project.config.timezone, now), f.active ? windowText(f.active) : '', String(running.count)];
      return timed ? [...row, await nextEntry(client, f)] : row;
    }),
  );
  return [['FLOW', 'STATUS', 'WINDOW', 'RUNNING', ...(timed ? ['NEXT ENTRY'] : [])], ...rows];
}

/** When the flow's schedule fires next, from Temporal (ingest keeps the schedule: ingest/schedules.ts). */
async function nextEntry(client: Client, flow: FlowIR): Promise<string> {
  if (!isTimed(flow)) return '';
  try {
    const schedule = await client.schedule.getHandle(scheduleId(flow.flow)).describe();
    if (schedule.state.paused) return 'schedule paused';
    return schedule.info.nextActionTimes[0]?.toISOString() ?? 'none';
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return 'no schedule yet (an ingest process makes it)';
    throw error;
  }
}
