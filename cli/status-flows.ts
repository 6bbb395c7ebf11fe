import type { Client } from '@temporalio/client';
import { hasErrors } from '../dsl/diagnostics.ts';
import { flowPhase, windowText } from '../dsl/lifecycle.ts';
import { checkProject } from '../dsl/project.ts';
import { runningRunsQuery } from '../ingest/flow-stops.ts';

/**
 * The first part of `flows status`: each flow of the repository with its status now (an active
 * window may have closed or not opened yet), its window, and how many runs it still has running
 * (Temporal visibility). Empty when the project does not load: the runs below still show.
 */
export async function flowRows(client: Client, cwd: string, only?: string): Promise<string[][]> {
  const project = checkProject({ cwd });
  if (hasErrors(project.diagnostics)) return [];
  const flows = project.flows.filter((f) => only === undefined || f.flow === only);
  const now = Date.now();
  return Promise.all(
    flows.map(async (f) => {
      const running = await client.workflow.count(runningRunsQuery(f.flow));
      return [f.flow, flowPhase(f, project.config.timezone, now), f.active ? windowText(f.active) : '', String(running.count)];
    }),
  );
}
