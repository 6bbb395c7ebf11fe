import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { StudioDeps } from '../deps.ts';
import { layoutFlow } from '../graph/layout.ts';
import { renderSvg } from '../graph/svg.ts';
import { pictureNumbers } from '../numbers.ts';
import { flowVersion } from '../project.ts';

interface FlowParams {
  Params: { id: string };
  Querystring: { version?: string; window?: string };
}

const missing = (reply: FastifyReply, id: string, version?: string) =>
  reply.code(404).send({ error: `no flow '${id}'${version ? ` at version ${version}` : ''} in the repository or the step-event log` });

/** The flow page's picture (one version's own IR), its numbers, and the same numbers pushed live. */
export const flowRoutes: FastifyPluginAsync<StudioDeps> = async (app, deps) => {
  app.get<FlowParams>('/api/flows/:id/picture', async (req, reply) => {
    const found = await flowVersion(deps.project, deps.log, req.params.id, req.query.version);
    if (!found) return missing(reply, req.params.id, req.query.version);
    const picture = layoutFlow(found.ir, { numbers: true });
    const nodes = picture.nodes.map((n) => ({ id: n.id, step: n.step, role: n.role, x: n.x, y: n.y, width: n.width, height: n.height }));
    const { flow, name, version, source } = found.ir;
    return { flow, name, version, source, versions: found.versions, nodes, svg: renderSvg(picture) };
  });

  app.get<FlowParams>('/api/flows/:id/numbers', async (req, reply) => {
    const found = await flowVersion(deps.project, deps.log, req.params.id, req.query.version);
    if (!found) return missing(reply, req.params.id, req.query.version);
    return pictureNumbers(deps.log, deps.client, found.ir, req.query.window);
  });

  // Server-sent events: the numbers again every few seconds, so the page refreshes without a reload.
  app.get<FlowParams>('/api/flows/:id/live', async (req, reply) => {
    const found = await flowVersion(deps.project, deps.log, req.params.id, req.query.version);
    if (!found) return missing(reply, req.params.id, req.query.version);
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    let open = true;
    let timer: NodeJS.Timeout | undefined;
    const push = async () => {
      try {
        const numbers = await pictureNumbers(deps.log, deps.client, found.ir, req.query.window);
        if (open) reply.raw.write(`event: numbers\ndata: ${JSON.stringify(numbers)}\n\n`);
      } catch (error) {
        if (open) reply.raw.write(`event: problem\ndata: ${JSON.stringify({ error: (error as Error).message })}\n\n`);
      }
      if (open) timer = setTimeout(push, deps.liveIntervalMs ?? 2000);
    };
    req.raw.on('close', () => {
      open = false;
      clearTimeout(timer);
    });
    await push();
  });
};
