import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildCodecServer, DEFAULT_ORIGINS, newCodecToken } from '../codec/codec-server.ts';
import { payloadCodec } from '../codec/data-converter.ts';
import { allowedHosts, commaList } from './allowed-hosts.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';

export interface RunningCodecServer {
  /** What Temporal Web's codec endpoint is set to: it carries the token as its first path segment. */
  endpoint: string;
  /** The endpoint without the token, safe to print. */
  url: string;
  close(): Promise<void>;
}

/**
 * Listens with the key ring of FLOWLINE_PAYLOAD_KEY(S_OLD) and the token of FLOWLINE_CODEC_TOKEN
 * (a random one when unset); undefined when no payload key is set. Used by `flows codec-server`
 * and `flows start`.
 */
export async function listenCodecServer(options: {
  port: number;
  host: string;
  allowOrigins?: string[];
  allowHosts?: string[];
}): Promise<RunningCodecServer | undefined> {
  const codec = payloadCodec();
  if (!codec) return undefined;
  const token = process.env.FLOWLINE_CODEC_TOKEN?.trim() || newCodecToken();
  if (!/^[A-Za-z0-9._~-]{16,}$/.test(token)) {
    throw new Error('FLOWLINE_CODEC_TOKEN must be at least 16 characters of A-Z a-z 0-9 . _ ~ - (it goes in a URL path)');
  }
  const app: FastifyInstance = buildCodecServer(codec, {
    token,
    ...(options.allowOrigins ? { allowOrigins: options.allowOrigins } : {}),
    host: options.host,
    ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
  });
  await app.listen({ port: options.port, host: options.host });
  const { port } = app.server.address() as AddressInfo; // the one chosen when asked for port 0
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  return { endpoint: `${url}/${token}`, url, close: () => app.close() };
}

/** Serves Temporal's codec protocol with FLOWLINE_PAYLOAD_KEY, so Temporal Web can show decrypted payloads. */
export async function codecServerCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, COMMAND_WORDS['codec-server'].flags);
  const port = Number(values.port ?? 8888);
  if (!Number.isInteger(port)) throw new UsageError('--port takes a port number');
  const allowOrigins = commaList(values['allow-origin']);
  const allowHosts = allowedHosts(values['allow-host']);
  let server: RunningCodecServer | undefined;
  try {
    server = await listenCodecServer({
      port,
      host: values.host ?? '127.0.0.1',
      ...(allowOrigins ? { allowOrigins } : {}),
      allowHosts,
    });
  } catch (error) {
    io.err(`flows codec-server: ${(error as Error).message}\n`);
    return EXIT.findings;
  }
  if (!server) {
    io.err(
      'flows codec-server: set FLOWLINE_PAYLOAD_KEY (and FLOWLINE_PAYLOAD_KEYS_OLD after a rotation), the keys payloads were encrypted with\n',
    );
    return EXIT.findings;
  }
  io.out(
    `codec server on ${server.url}, for Temporal Web at ${(allowOrigins ?? DEFAULT_ORIGINS).join(', ')}\n` +
      `set Temporal Web's codec server endpoint to ${server.endpoint}\n` +
      `(the last path segment is the token${process.env.FLOWLINE_CODEC_TOKEN ? ', from FLOWLINE_CODEC_TOKEN' : '; set FLOWLINE_CODEC_TOKEN to keep it across restarts'})\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return EXIT.ok;
}
