import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

const PayloadMessage = proto.temporal.api.common.v1.Payload;
export const ENCRYPTED_ENCODING = 'binary/encrypted';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encrypts every payload Flowline puts in Temporal (flow inputs, events, profile data, results)
 * with AES-256-GCM, so Temporal's stored history holds ciphertext only. The key id travels in
 * the metadata so a rotated key can still be told apart.
 */
export class AesGcmCodec implements PayloadCodec {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the payload key must be 32 bytes');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /** From FLOWLINE_PAYLOAD_KEY: 32 bytes as base64 or hex, or any passphrase (hashed to 32 bytes). */
  static fromSecret(secret: string): AesGcmCodec {
    const trimmed = secret.trim();
    if (/^[0-9a-f]{64}$/i.test(trimmed)) return new AesGcmCodec(Buffer.from(trimmed, 'hex'));
    const b64 = Buffer.from(trimmed, 'base64');
    if (b64.length === 32 && /^[A-Za-z0-9+/=]+$/.test(trimmed)) return new AesGcmCodec(b64);
    return new AesGcmCodec(createHash('sha256').update(trimmed).digest());
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      const plain = PayloadMessage.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: encoder.encode(ENCRYPTED_ENCODING), 'encryption-key-id': encoder.encode(this.keyId) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (decoder.decode(payload.metadata?.encoding ?? new Uint8Array()) !== ENCRYPTED_ENCODING) return payload;
      const keyId = decoder.decode(payload.metadata?.['encryption-key-id'] ?? new Uint8Array());
      if (keyId !== this.keyId) throw new Error(`payload encrypted with key ${keyId}, but FLOWLINE_PAYLOAD_KEY is key ${this.keyId}`);
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
      return PayloadMessage.decode(plain) as Payload;
    });
  }
}

/** The data converter every Flowline client and worker uses: encrypting when FLOWLINE_PAYLOAD_KEY is set. */
export function dataConverter(env: NodeJS.ProcessEnv = process.env): { payloadCodecs: PayloadCodec[] } | undefined {
  const secret = env.FLOWLINE_PAYLOAD_KEY;
  return secret ? { payloadCodecs: [AesGcmCodec.fromSecret(secret)] } : undefined;
}
