import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec } from './aes-gcm-codec.ts';
import { keyRingFromEnv } from './keys.ts';

/** The module exporting the failure converter that moves messages and stack traces into (encrypted) payloads. */
const ENCRYPTING_FAILURE_CONVERTER = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/**
 * The data converter of every Flowline client, worker and test environment: with
 * FLOWLINE_PAYLOAD_KEY set, payloads are encrypted with the key ring and failure messages and
 * stack traces become payloads too, so they are encrypted as well; without it, undefined
 * (Temporal's default, plain payloads). Workers also bundle `failureConverterPath` into the
 * workflow sandbox.
 */
export function dataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const ring = keyRingFromEnv(env);
  return ring ? { payloadCodecs: [new AesGcmCodec(ring)], failureConverterPath: ENCRYPTING_FAILURE_CONVERTER } : undefined;
}

/** The payload codec alone (for the codec server), or undefined without a key. */
export function payloadCodec(env: NodeJS.ProcessEnv = process.env): AesGcmCodec | undefined {
  const ring = keyRingFromEnv(env);
  return ring ? new AesGcmCodec(ring) : undefined;
}
