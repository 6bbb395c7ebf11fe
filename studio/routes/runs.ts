import type { FastifyPluginAsync } from 'fastify';
import { FLOW_STEP as LOG_FLOW_STEP } from '../../store/step-log.ts';
import { FLOW_ID, FLOW_STEP, FLOW_VERSION } from '../../workflows/search-attributes.ts';
import type { RunAnswer, UserRunsAnswer } from '../api.ts';
import type { StudioDeps } from '../deps.ts';
import { pictureOf } from '../pictures.ts';
import { runVerdict } from '../run-verdicts.ts';
import { verdictFromEvents } from '../../workflows/run-verdict.ts';
import { flowVersion } from '../project.ts';
import { temporalWebLink, userQuery } from '../visibility.ts';

/** How many of a user's runs the run page lists. */
const LISTED = 50;

/** The run page: find a user's runs, then one run's path through its version's picture. */
export const runRoutes: FastifyPluginAsync<StudioDeps> = async (app, deps) => {
  app.get<{ Querystring: { user?: string } }>('/api/runs', async (req, reply) => {
    if (!req.query.user) return reply.code(400).send({ error: 'give ?user=<user id>' });
    const found = [];
    for await (const run of deps.client.workflow.list({ query: userQuery(req.query.user), pageSize: LISTED })) {
      found.push(run);
      if (found.length >= LISTED) break;
    }
    const runs = await Promise.all(
      found.map(async (run) => ({
        workflowId: run.workflowId,
        runId: run.runId,
        flow: String(run.typedSearchAttributes.get(FLOW_ID) ?? ''),
        verdict: await runVerdict(deps.client, run.workflowId, run.runId, run.status.name),
        started: run.startTime.toISOString(),
      })),
    );
    const answer: UserRunsAnswer = { user: req.query.user, runs };
    return answer;
  });

  app.get<{ Querystring: { workflowId?: string; runId?: string } }>('/api/run', async (req, reply) => {
    const { workflowId, runId } = req.query;
    if (!workflowId) return reply.code(400).send({ error: 'give ?workflowId=… (and &runId=…), or a Temporal Web link on the run page' });
    const handle = deps.client.workflow.getHandle(workflowId, runId);
    const described = await handle.describe().catch(() => undefined);
    const resolvedRun = runId ?? described?.runId;
    const events = await deps.log.run(workflowId, resolvedRun);
    const flowId = events[0]?.flowId ?? (described ? String(described.typedSearchAttributes.get(FLOW_ID) ?? '') : '');
    const version = events[0]?.version ?? (described ? String(described.typedSearchAttributes.get(FLOW_VERSION) ?? '') : undefined);
    const found = flowId ? await flowVersion(deps.project, deps.log, flowId, version) : undefined;
    if (!found) return reply.code(404).send({ error: `no run '${workflowId}' in Temporal or the step-event log` });
    const status = described?.status.name ?? null;
    const at = status === 'RUNNING' ? String(described?.typedSearchAttributes.get(FLOW_STEP) ?? '') : null;
    // Temporal's word while it has the run; else the step events already read above.
    const verdict = status !== null ? await runVerdict(deps.client, workflowId, resolvedRun, status) : verdictFromEvents(events);
    const answer: RunAnswer = {
      workflowId,
      runId: resolvedRun ?? events[0]?.runId ?? null,
      flow: found.ir.flow,
      name: found.ir.name,
      version: found.ir.version,
      user: events[0]?.userId ?? null,
      status,
      verdict,
      at,
      link: resolvedRun ? temporalWebLink(deps.temporalWeb, deps.namespace, workflowId, resolvedRun) : null,
      events: events.map((e) => ({
        step: e.step === LOG_FLOW_STEP ? null : e.step,
        outcome: e.outcome,
        branch: e.branch ?? null,
        message: e.message ?? null,
        at: new Date(e.at).toISOString(),
      })),
      picture: await pictureOf(found.ir, false),
    };
    return answer;
  });
};
