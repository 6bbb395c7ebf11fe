import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { hostOriginRefusal, hostPolicy } from '../../http-guard/host-origin.ts';
import type { FakeOptions } from './credentials.ts';

/** A request as the fake received it. */
export interface Received {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  at: string;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What the next requests are answered with instead of the API's own answer. */
export type Fault =
  | { status: number; retryAfter?: number; headers?: Record<string, string>; body?: unknown }
  /** Never answers, and does not act: a timeout before the destination did anything. */
  | { hang: true }
  | { reset: true }
  /** Acts (the request counts as received) and answers only after `delay` ms: a slow destination, or with a delay beyond the client's timeout, one that timed out after acting. */
  | { delay: number };

export type Handler = (request: Received) => Reply | Promise<Reply>;

export interface Fake {
  name: string;
  url: string;
  /** Requests the API handled (faulted ones are in `faulted`). */
  received: Received[];
  faulted: Received[];
  /** Handled requests whose answer never reached the caller (it went away first): the at-least-once window. */
  unanswered: Received[];
  faults: Fault[];
  inject(fault: Fault, times?: number): void;
  clear(): void;
  close(): Promise<void>;
}

/**
 * A local HTTP server that speaks one destination's API. It records what it received, can be
 * told to answer with faults (429 with Retry-After, 5xx, 4xx, a hang, a reset connection), and
 * shows what it received as JSON at GET /__fake/calls (POST /__fake/faults adds faults).
 */
export async function startFake(
  name: string,
  handler: Handler,
  { port = 0, recordFile, allowHosts }: Pick<FakeOptions, 'port' | 'recordFile' | 'allowHosts'> = {},
): Promise<Fake> {
  if (recordFile) mkdirSync(dirname(recordFile), { recursive: true });
  const received: Received[] = [];
  const faulted: Received[] = [];
  const unanswered: Received[] = [];
  const faults: Fault[] = [];
  const hanging = new Set<ServerResponse>();

  // The fakes run in `npm start` beside the user's browser: a page must not rebind its name to them or post faults.
  const policy = hostPolicy('127.0.0.1', allowHosts);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const refused = hostOriginRefusal(policy, req.method, req.headers);
    if (refused) return send(res, { status: refused.status, body: { error: refused.error } });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: Received = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
      body: Buffer.concat(chunks).toString('utf8'),
      at: new Date().toISOString(),
    };
    if (url.pathname === '/__fake/calls') return send(res, { status: 200, body: received });
    if (url.pathname === '/__fake/faults' && req.method === 'POST') {
      const added = faultList(request.body);
      if (typeof added === 'string') return send(res, { status: 400, body: { error: added } });
      faults.push(...added);
      return send(res, { status: 204 });
    }
    let fault = faults.shift();
    let delay = 0;
    if (fault && 'delay' in fault) {
      delay = fault.delay;
      fault = undefined;
    }
    if (fault) {
      faulted.push(request);
      if ('hang' in fault) {
        hanging.add(res);
        return;
      }
      if ('reset' in fault) return req.socket.destroy();
      return send(res, {
        status: fault.status,
        headers: { ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}), ...fault.headers },
        body: fault.body,
      });
    }
    try {
      const reply = await handler(request);
      if (reply.status < 400 || reply.status === 409) {
        received.push(request);
        if (recordFile) appendFileSync(recordFile, `${JSON.stringify(request)}\n`);
        res.once('close', () => {
          if (!res.writableFinished) unanswered.push(request);
        });
      }
      if (delay > 0) {
        hanging.add(res);
        await new Promise((resolve) => setTimeout(resolve, delay));
        hanging.delete(res);
        if (res.destroyed) return;
      }
      send(res, reply);
    } catch (error) {
      send(res, { status: 500, body: { error: (error as Error).message } });
    }
  };
  // Whatever a request does wrong (a URL that does not parse, a body cut off) ends that request, not the process.
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (res.headersSent) res.destroy();
      else send(res, { status: 400, body: { error: error.message } });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${address.port}`,
    received,
    faulted,
    unanswered,
    faults,
    inject(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    clear() {
      received.length = 0;
      faulted.length = 0;
      unanswered.length = 0;
      faults.length = 0;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The faults a POST to /__fake/faults asks for, or what is wrong with it (a bad body must not stop the process that serves the fakes). */
function faultList(body: string): Fault[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'POST /__fake/faults takes a JSON list of faults, e.g. [{"status": 503, "retryAfter": 1}]';
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const known = (f: unknown): f is Fault =>
    typeof f === 'object' &&
    f !== null &&
    (typeof (f as { status?: unknown }).status === 'number' ||
      (f as { hang?: unknown }).hang === true ||
      (f as { reset?: unknown }).reset === true ||
      typeof (f as { delay?: unknown }).delay === 'number');
  const bad = list.findIndex((f) => !known(f));
  return bad < 0 ? list : `POST /__fake/faults: fault ${bad} is none of {status}, {hang: true}, {reset: true}, {delay: ms}`;
}

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(body && typeof reply.body !== 'string' ? { 'content-type': 'application/json' } : {}),
    ...reply.headers,
  });
  res.end(body);
}

/**
 * A request's JSON body (`{}` when it is not JSON), typed as the fields a fake reads: each a fake
 * checks itself, as the real API would, so every field is optional.
 */
export const json = <T extends object = Record<string, unknown>>(request: Received): Partial<T> => {
  try {
    return JSON.parse(request.body) as Partial<T>;
  } catch {
    return {};
  }
};

export const basicAuth = (request: Received): [string, string] | undefined => {
  const match = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const [user, ...rest] = Buffer.from(match[1]!, 'base64').toString('utf8').split(':');
  return [user ?? '', rest.join(':')];
};
