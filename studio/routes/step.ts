import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { stringify } from 'yaml';
import { stepTitle } from '../../dsl/language/describe.ts';
import { stepsById, type StepIR } from '../../dsl/language/ir.ts';
import type { StepLog } from '../../store/step-log.ts';
import { stateQuery } from '../../workflows/messages.ts';
import { USER_ID } from '../../workflows/search-attributes.ts';
import type { StepAnswer } from '../api.ts';
import type { StudioDeps } from '../deps.ts';
import { canHoldRuns } from '../graph/stats.ts';
import { previewStep, stepSummary } from '../preview.ts';
import { flowVersion } from '../project.ts';
import { countRuns, runQuery, temporalWebLink } from '../visibility.ts';

/** The longest user id a preview may be asked for: ingest takes no longer ids (ingest/limits.ts). */
const MAX_USER_ID = 256;

/** How many waiting runs the panel lists (it says how many there are in all). */
const LISTED = 25;

/** The node panel: the step's YAML with file:line, the runs at the step now, its latest failures. */
export const stepRoutes: FastifyPluginAsync<StudioDeps> = async (app, deps) => {
  app.get<{ Params: { id: string; step: string }; Querystring: { version?: string; user?: string } }>(
    '/api/flows/:id/steps/:step',
    async (req, reply) => {
      const asked: unknown = req.query.user;
      // Given twice (?user=a&user=b) the query holds a list: a preview takes one id, so that is refused too.
      const user = typeof asked === 'string' ? asked.trim() : asked === undefined ? undefined : '';
      if (user !== undefined && (user === '' || user.length > MAX_USER_ID))
        return reply.code(400).send({ error: `?user= takes a user id of 1 to ${MAX_USER_ID} characters` });
      const found = await flowVersion(deps.project, deps.log, req.params.id, req.query.version);
      const step = found && stepsById(found.ir).get(req.params.step);
      if (!found || !step) return reply.code(404).send({ error: `no step '${req.params.step}' in flow '${req.params.id}'` });
      const current = found.versions.find((v) => v.version === found.ir.version)?.current ?? false;
      const filter = { flow: found.ir.flow, version: found.ir.version, step: step.id };
      const link = (workflowId: string, runId: string) => temporalWebLink(deps.temporalWeb, deps.namespace, workflowId, runId);
      // Only a wait holds runs: a send's "runs here now" would always be none.
      const holdsRuns = canHoldRuns(step);
      const [total, now, failures] = await Promise.all([
        holdsRuns ? countRuns(deps.client, filter) : 0,
        holdsRuns ? runsHere(deps, step, runQuery(filter), link) : [],
        deps.log.latest(found.ir.flow, step.id, 'failed', { version: found.ir.version, limit: 10 }),
      ]);
      const profile = user !== undefined && deps.profiles ? await deps.profiles.get(user) : undefined;
      const answer: StepAnswer = {
        step: step.id,
        title: stepTitle(step),
        kind: step.kind,
        holdsRuns,
        file: found.ir.source,
        line: step.line,
        yaml: current ? stepYaml(resolve(deps.project.cwd, found.ir.source), step.line) : null,
        // An old version's YAML may be gone from the file: show the step as that version compiled it.
        compiled: current ? null : stringify(step),
        summary: stepSummary(step),
        preview: previewStep(found.ir, step, profile),
        total,
        now,
        failures: failures.map((f) => ({
          user: f.userId,
          at: new Date(f.at).toISOString(),
          message: f.message ?? '',
          link: link(f.workflowId, f.runId),
        })),
      };
      return answer;
    },
  );
};

async function runsHere(deps: StudioDeps, step: StepIR, query: string, link: (w: string, r: string) => string) {
  const runs = [];
  for await (const run of deps.client.workflow.list({ query, pageSize: LISTED })) {
    runs.push(run);
    if (runs.length >= LISTED) break;
  }
  return Promise.all(
    runs.map(async (run) => {
      const [state, since] = await Promise.all([
        deps.client.workflow
          .getHandle(run.workflowId, run.runId)
          .query(stateQuery)
          .catch(() => undefined),
        enteredAt(deps.log, run.workflowId, run.runId, step.id),
      ]);
      return {
        user: state?.user ?? String(run.typedSearchAttributes.get(USER_ID) ?? ''),
        since: since !== undefined ? new Date(since).toISOString() : null,
        until: state?.waiting?.until ?? null,
        workflowId: run.workflowId,
        runId: run.runId,
        link: link(run.workflowId, run.runId),
      };
    }),
  );
}

async function enteredAt(log: StepLog, workflowId: string, runId: string, step: string): Promise<number | undefined> {
  const events = await log.run(workflowId, runId);
  return events.filter((e) => e.step === step && e.outcome === 'entered').at(-1)?.at;
}

/** The step's lines in its file: from its `- ` line while the lines stay indented below it. */
function stepYaml(file: string, line: number): string | null {
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    return null;
  }
  const first = lines[line - 1];
  if (first === undefined) return null;
  const indent = first.search(/\S/);
  const out = [first];
  for (const next of lines.slice(line)) {
    if (next.trim() !== '' && next.search(/\S/) <= indent) break;
    out.push(next);
  }
  return out.join('\n').trimEnd();
}
