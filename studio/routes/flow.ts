import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { PictureAnswer } from '../api.ts';
import type { StudioDeps } from '../deps.ts';
import { pictureOf } from '../pictures.ts';
import { liveHub, StreamSlots } from '../live.ts';
import { pictureNumbers } from '../numbers.ts';
import { flowVersion } from '../project.ts';
import { windowSince } from '../windows.ts';

interface FlowParams {
  Params: { id: string };
  Querystring: { version?: string; window?: string };
}

/** Seconds a refused live stream is told to wait: long enough for a closed tab's stream to be let go. */
const RETRY_AFTER_S = 10;

const missing = (reply: FastifyReply, id: string, version?: string) =>
  reply.code(404).send({ error: `no flow '${id}'${version ? ` at version ${version}` : ''} in the repository or the step-event log` });

/** The flow page's picture (one version's own IR), its numbers, and the same numbers pushed live. */
export const flowRoutes: FastifyPluginAsync<StudioDeps> = async (app, deps) => {
  app.get<FlowParams>('/api/flows/:id/picture', async (req, reply) => {
    const found = await flowVersion(deps.project, deps.log, req.params.id, req.query.version);
    if (!found) return missing(reply, req.params.id, req.query.version);
    const picture = await pictureOf(found.ir, true);
    const { flow, name, version, source } = found.ir;
    const answer: PictureAnswer = {
      flow,
      name,
      version,
      source,
      versions: found.versions,
      picture,
      mainPath: found.ir.steps.map((s) => s.id),
    };
    return answer;
  });

  app.get<FlowParams>('/api/flows/:id/numbers', async (req, reply) => {
    const found = await flowVersion(deps.project, deps.log, req.params.id, req.query.version);
    if (!found) return missing(reply, req.params.id, req.query.version);
    return pictureNumbers(deps.log, deps.client, found.ir, req.query.window);
  });

  // Server-sent events: the numbers again every few seconds, so the page refreshes without a reload.
  // One computation per flow version and window feeds every page watching it (studio/live.ts), and
  // each client may hold only so many streams open, so open tabs cannot multiply Temporal's load.
  const hub = liveHub(deps.liveIntervalMs ?? 2000);
  const slots = new StreamSlots(deps.liveStreamsPerClient ?? 16, deps.liveStreamsTotal ?? 1000);
  app.addHook('onClose', async () => hub.close());

  app.get<FlowParams>('/api/flows/:id/live', async (req, reply) => {
    // Before any slot is taken: a window it does not know is an error reply, not a stream.
    const { window } = windowSince(req.query.window);
    const slot = slots.take(req.ip);
    if (!slot.ok) {
      reply.header('retry-after', String(RETRY_AFTER_S));
      if (slot.reason === 'client') {
        return reply.code(429).send({
          error: `${slot.open} live streams are already open from this address (at most ${slots.maxPerClient}): close other studio tabs, then reload`,
        });
      }
      return reply.code(503).send({ error: `the studio is serving ${slot.open} live streams, its most: try again shortly` });
    }
    let found;
    try {
      found = await flowVersion(deps.project, deps.log, req.params.id, req.query.version);
    } catch (error) {
      slot.release();
      throw error;
    }
    if (!found) {
      slot.release();
      return missing(reply, req.params.id, req.query.version);
    }
    const { ir } = found;
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const write = (frame: string) => {
      // Each frame is the whole picture: a client not reading yet misses one rather than buffering without bound.
      if (!reply.raw.writableNeedDrain) reply.raw.write(frame);
    };
    const leave = hub.subscribe(`${ir.flow}@${ir.version}|${window}`, () => pictureNumbers(deps.log, deps.client, ir, window), write);
    const done = () => {
      leave();
      slot.release();
    };
    req.raw.on('close', done);
    reply.raw.on('close', done);
    // Gone while the flow was looked up: its close event has already passed.
    if (req.raw.destroyed || reply.raw.destroyed) done();
  });
};
