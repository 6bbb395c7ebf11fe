import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { keyRing, type KeyRing } from './keys.ts';

const PayloadMessage = proto.temporal.api.common.v1.Payload;
export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encrypts every payload Flowline puts in Temporal (flow inputs, events, profile data, results,
 * failure messages) with AES-256-GCM, so Temporal's stored history holds ciphertext only. Each
 * payload names its key by id, so after a rotation the older keys of the ring still decrypt the
 * payloads of runs that were waiting.
 */
export class AesGcmCodec implements PayloadCodec {
  constructor(readonly ring: KeyRing) {}

  /** The id of the key new payloads are encrypted with. */
  get keyId(): string {
    return this.ring.current.id;
  }

  /** From one secret, as FLOWLINE_PAYLOAD_KEY takes it (see keys.ts); older secrets still decrypt. */
  static fromSecret(secret: string, older: string[] = []): AesGcmCodec {
    return new AesGcmCodec(keyRing(secret, older));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.ring.current;
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = PayloadMessage.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: encoder.encode(ENCRYPTED_ENCODING), [KEY_ID]: encoder.encode(id) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (decoder.decode(payload.metadata?.encoding ?? new Uint8Array()) !== ENCRYPTED_ENCODING) return payload;
      const keyId = decoder.decode(payload.metadata?.[KEY_ID] ?? new Uint8Array());
      const key = this.ring.byId.get(keyId);
      if (!key) throw new Error(this.missingKey(keyId));
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
      return PayloadMessage.decode(plain);
    });
  }

  private missingKey(keyId: string): string {
    const older = [...this.ring.byId.keys()].filter((id) => id !== this.keyId);
    return (
      `payload encrypted with key ${keyId || '(none named)'}, which is not in the key ring: FLOWLINE_PAYLOAD_KEY is key ${this.keyId}` +
      `${older.length ? `, older keys ${older.join(', ')}` : ''}. Add the key it was written with to FLOWLINE_PAYLOAD_KEYS_OLD`
    );
  }
}
