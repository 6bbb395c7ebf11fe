import type { Profile } from './store.ts';

/**
 * How big a profile may grow. A profile travels as one Temporal payload (readProfile's result,
 * activity inputs): Temporal refuses payloads over 2 MB and warns from 512 KB, so a profile stays
 * well under the warning, with room for the event and the encryption envelope beside it.
 */
const PROFILE_LIMITS = { attributes: 1_000, bytes: 256 * 1024 } as const;

/** A change refused because the profile would grow past PROFILE_LIMITS; ingest answers it with a 413. */
export class ProfileLimitError extends Error {
  override readonly name = 'ProfileLimitError';
  readonly statusCode = 413;
  readonly code = 'PROFILE_TOO_LARGE';
}

const sizeOf = (profile: Profile): { attributes: number; bytes: number; text: string } => {
  const text = JSON.stringify(profile);
  return { attributes: Object.keys(profile.attributes).length, bytes: Buffer.byteLength(text), text };
};

/**
 * Applies a change and returns the profile's JSON text after it, or undefined when the change
 * changed nothing (the store then writes nothing). Throws a ProfileLimitError when the change
 * takes the profile over a limit; a profile already over one (written before the limits
 * existed) may still shrink, so its user is never stuck.
 */
export function applyWithinLimits(profile: Profile, change: (profile: Profile) => void): string | undefined {
  const before = sizeOf(profile);
  change(profile);
  const after = sizeOf(profile);
  if (after.text === before.text) return undefined;
  if (after.attributes > PROFILE_LIMITS.attributes && after.attributes > before.attributes) {
    throw new ProfileLimitError(
      `the profile would have ${after.attributes} attributes; the limit is ${PROFILE_LIMITS.attributes} per user: ` +
        "send fewer distinct user attributes, or delete unused ones (a batch's deleted_user_attributes)",
    );
  }
  if (after.bytes > PROFILE_LIMITS.bytes && after.bytes > before.bytes) {
    throw new ProfileLimitError(
      `the profile would take ${after.bytes} bytes as JSON; the limit is ${PROFILE_LIMITS.bytes} bytes per user: ` +
        'keep large values (documents, long lists) out of user attributes and vars',
    );
  }
  return after.text;
}
