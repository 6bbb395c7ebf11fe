import { AesGcmCodec } from '../codec/aes-gcm-codec.ts';
import { buildCodecServer } from '../codec/codec-server.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';

export const CODEC_SERVER_USAGE = 'flows codec-server [--port 8888] [--allow-origin http://localhost:8233]';

/** Serves Temporal's codec protocol with FLOWLINE_PAYLOAD_KEY, so Temporal Web can show decrypted payloads. */
export async function codecServerCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { port: { type: 'string' }, 'allow-origin': { type: 'string' } });
  const port = Number(values.port ?? 8888);
  if (!Number.isInteger(port)) throw new UsageError('--port takes a port number');
  const secret = process.env.FLOWLINE_PAYLOAD_KEY;
  if (!secret) {
    io.err('flows codec-server: set FLOWLINE_PAYLOAD_KEY, the key payloads were encrypted with\n');
    return EXIT.findings;
  }
  const app = buildCodecServer(AesGcmCodec.fromSecret(secret), { ...(values['allow-origin'] ? { allowOrigin: values['allow-origin'] } : {}) });
  await app.listen({ port, host: '127.0.0.1' });
  io.out(`codec server on http://127.0.0.1:${port} (POST /encode, /decode); in Temporal Web set the codec server endpoint to it\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await app.close();
  return EXIT.ok;
}
