import type { FlowEvent } from '../dsl/language/event.ts';
import type { Profile, Profiles, SeenRecords } from '../store/store.ts';
import type { NormalizedBatch } from './normalize.ts';

/** A batch's change to a profile: identities, attributes, deleted attributes, audience memberships. */
function applyBatch(p: Profile, batch: NormalizedBatch): void {
  Object.assign(p.identities, batch.identities);
  Object.assign(p.attributes, batch.attributes);
  for (const name of batch.deletedAttributes) delete p.attributes[name];
  for (const e of batch.events) {
    if (e.name === 'audience_added' && e.audience_name && !p.audiences.includes(e.audience_name)) p.audiences.push(e.audience_name);
    if (e.name === 'audience_removed') p.audiences = p.audiences.filter((a) => a !== e.audience_name);
  }
}

/** Attribute changes seen by comparing a batch's user_attributes with the profile before it (ids from the batch: a retry gets the same). */
function attributeChanges(before: Profile, batch: NormalizedBatch, now: number, matters: (name: string) => boolean): FlowEvent[] {
  const explicit = new Set(batch.events.filter((e) => e.name === 'user_attribute_change').map((e) => e.attribute_name));
  const changes: FlowEvent[] = [];
  for (const [name, value] of Object.entries(batch.attributes)) {
    if (explicit.has(name) || !matters(name) || JSON.stringify(before.attributes[name]) === JSON.stringify(value)) continue;
    changes.push({
      id: `${batch.batchId}:attr:${name}`,
      name: 'user_attribute_change',
      type: 'user_attribute_change',
      timestamp: now,
      attributes: {},
      attribute_name: name,
      new: value,
      old: before.attributes[name],
    });
  }
  return changes;
}

/** The profile changed between the read and the locked write: the changes found may differ, so read again. */
class Stale extends Error {}
const ATTEMPTS = 3;

/**
 * Updates the user's profile with a batch; returns the profile after it and the batch's attribute
 * changes (only those a flow starts on or listens to: `matters`).
 * - Cheap when nothing changes: the profile is read without a lock and written only when the
 *   batch changes it.
 * - Never loses a change on a retry: changes are saved with the batch's pending record before
 *   the profile is written, and a retry (which finds the profile already holding the values)
 *   takes them from there. The locked write checks that the profile still gives the changes
 *   saved; if another batch changed it in between, the whole step is done again.
 */
export async function updateProfile(
  profiles: Profiles & SeenRecords,
  user: string,
  batch: NormalizedBatch,
  batchKey: string,
  now: number,
  matters: (name: string) => boolean,
  /** The profile as the caller already read it (without a lock), for the first attempt. */
  stored?: Profile,
): Promise<{ profile: Profile; changes: FlowEvent[] }> {
  const tracked = Object.keys(batch.attributes).some(matters);
  const pending = tracked ? await profiles.pendingBatch(batchKey) : undefined;
  for (let attempt = 1; ; attempt++) {
    const current = attempt === 1 && stored ? stored : await profiles.get(user);
    const changes = pending?.changes ?? (tracked ? attributeChanges(current, batch, now, matters) : []);
    const next = structuredClone(current);
    applyBatch(next, batch);
    if (JSON.stringify(next) === JSON.stringify(current)) return { profile: current, changes };
    const keep = !pending && changes.length > 0;
    if (keep) await profiles.savePendingBatch(batchKey, { changes });
    try {
      const profile = await profiles.update(user, (p) => {
        if (keep && attempt < ATTEMPTS && JSON.stringify(attributeChanges(p, batch, now, matters)) !== JSON.stringify(changes))
          throw new Stale();
        applyBatch(p, batch);
      });
      return { profile, changes };
    } catch (error) {
      if (!(error instanceof Stale)) throw error;
    }
  }
}
