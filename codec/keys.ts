import { createHash, scryptSync } from 'node:crypto';

/** One AES-256 key and the id that payloads encrypted with it carry in their metadata. */
interface PayloadKey {
  id: string;
  key: Buffer;
}

/** The key that encrypts new payloads, and every key that may decrypt one (the current key included). */
export interface KeyRing {
  current: PayloadKey;
  byId: ReadonlyMap<string, Buffer>;
}

/**
 * scrypt's fixed salt and cost for passphrases. The salt is fixed (and public) so every process
 * derives the same key from the same passphrase without storing anything; changing it or the cost
 * would change every derived key, so a new scheme would need a new salt and the old one kept.
 */
export const PASSPHRASE_KDF = { salt: 'flowline/payload-key/scrypt/v1', N: 2 ** 15, r: 8, p: 1 } as const;

/** Today's key id: the first 8 hex digits of the key's SHA-256 (payloads already in Temporal carry it). */
const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);
const payloadKey = (key: Buffer): PayloadKey => ({ id: keyId(key), key });

/** A raw key given as 64 hex digits or as base64 of exactly 32 bytes; undefined for a passphrase. */
function rawKey(secret: string): Buffer | undefined {
  if (/^[0-9a-f]{64}$/i.test(secret)) return Buffer.from(secret, 'hex');
  const b64 = Buffer.from(secret, 'base64');
  return b64.length === 32 && /^[A-Za-z0-9+/=]+$/.test(secret) ? b64 : undefined;
}

/**
 * The keys one secret stands for. A raw key is itself. A passphrase encrypts with its scrypt key,
 * and also decrypts with its SHA-256 hash: the derivation before scrypt, so payloads of runs that
 * started before the upgrade still decrypt.
 */
function keysFromSecret(secret: string): SecretKeys {
  const trimmed = secret.trim();
  if (!trimmed) throw new Error('a payload key is empty');
  const raw = rawKey(trimmed);
  if (raw) return { encrypt: payloadKey(raw), decryptAlso: [] };
  // scrypt is slow on purpose: derive once per process, however many clients and workers ask.
  let keys = derived.get(trimmed);
  if (!keys) {
    const { salt, N, r, p } = PASSPHRASE_KDF;
    const key = scryptSync(trimmed, salt, 32, { N, r, p, maxmem: 64 * 1024 * 1024 });
    keys = { encrypt: payloadKey(key), decryptAlso: [payloadKey(createHash('sha256').update(trimmed).digest())] };
    derived.set(trimmed, keys);
  }
  return keys;
}

interface SecretKeys {
  encrypt: PayloadKey;
  decryptAlso: PayloadKey[];
}
const derived = new Map<string, SecretKeys>();

/** A ring from the newest secret (encrypts) and older ones (decrypt only). */
export function keyRing(current: string, older: string[] = []): KeyRing {
  const newest = keysFromSecret(current);
  const byId = new Map<string, Buffer>();
  for (const k of [newest, ...older.map(keysFromSecret)].flatMap((ks) => [ks.encrypt, ...ks.decryptAlso])) {
    if (!byId.has(k.id)) byId.set(k.id, k.key);
  }
  return { current: newest.encrypt, byId };
}

/**
 * The ring from the environment: FLOWLINE_PAYLOAD_KEY encrypts; FLOWLINE_PAYLOAD_KEYS_OLD lists
 * earlier keys, comma-separated, that still decrypt (a passphrase in that list cannot hold a comma).
 * Undefined when no key is set: payloads stay plain.
 */
export function keyRingFromEnv(env: NodeJS.ProcessEnv = process.env): KeyRing | undefined {
  const current = env.FLOWLINE_PAYLOAD_KEY?.trim();
  const older = (env.FLOWLINE_PAYLOAD_KEYS_OLD ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!current) {
    if (older.length)
      throw new Error('FLOWLINE_PAYLOAD_KEYS_OLD is set but FLOWLINE_PAYLOAD_KEY is not: set the newest key in FLOWLINE_PAYLOAD_KEY');
    return undefined;
  }
  return keyRing(current, older);
}
