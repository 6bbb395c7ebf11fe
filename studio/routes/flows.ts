import type { FastifyPluginAsync } from 'fastify';
import { triggerText } from '../../dsl/language/describe.ts';
import { flowPhase, windowText } from '../../dsl/language/lifecycle.ts';
import type { FlowsAnswer } from '../api.ts';
import type { StudioDeps } from '../deps.ts';
import { countRuns } from '../visibility.ts';
import { windowSince } from '../windows.ts';

/** The flows page's data: every flow of the repository, with numbers over all its versions. */
export const flowsRoutes: FastifyPluginAsync<StudioDeps> = async (app, deps) => {
  app.get<{ Querystring: { window?: string } }>('/api/flows', async (req) => {
    const { window, since } = windowSince(req.query.window);
    const project = deps.project.current();
    const flows = await Promise.all(
      project.flows.map(async (ir) => {
        const [numbers, now] = await Promise.all([
          deps.log.numbers(ir.flow, since !== undefined ? { since } : {}),
          // Temporal down: the log's numbers still show; "running now" says it is unknown.
          countRuns(deps.client, { flow: ir.flow }).catch(() => null),
        ]);
        return {
          id: ir.flow,
          name: ir.name,
          // The status now: an active window may have closed or not yet opened.
          status: flowPhase(ir, project.config.timezone, Date.now()),
          ...(ir.active ? { window: windowText(ir.active) } : {}),
          trigger: triggerText(ir.trigger).join(' '),
          version: ir.version,
          source: ir.source,
          now,
          entered: numbers.entered,
          completed: numbers.completed,
          exited: numbers.exited,
          failed: numbers.failed,
          trend: numbers.trend,
        };
      }),
    );
    const problems = project.diagnostics.filter((d) => d.severity === 'error').length;
    const answer: FlowsAnswer = { window, flows, problems };
    return answer;
  });
};
