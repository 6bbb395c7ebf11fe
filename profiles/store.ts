/** What Flowline knows about a user: read by `check` and templates, written by ingest and steps. */
export interface Profile {
  id: string;
  attributes: Record<string, unknown>;
  identities: Record<string, string>;
  lists: string[];
  audiences: string[];
  vars: Record<string, unknown>;
}

export const emptyProfile = (id: string): Profile => ({ id, attributes: {}, identities: {}, lists: [], audiences: [], vars: {} });

/**
 * The profile store behind a small interface: an embedded default (files, no server) and, for
 * deployments with several processes, a database. It also keeps entries into flows, durably,
 * because Temporal forgets closed runs after its retention period.
 */
export interface ProfileStore {
  get(userId: string): Promise<Profile>;
  /** Applies a change and returns the profile after it. Changes to one user are serialised. */
  update(userId: string, change: (profile: Profile) => void): Promise<Profile>;
  /** When the user entered this flow (epoch ms), oldest first. */
  entries(flowId: string, userId: string): Promise<number[]>;
  recordEntry(flowId: string, userId: string, at: number): Promise<void>;
  /** Delivery ids already handled (batches, events), for de-duplicating redelivery. */
  seen(key: string): Promise<boolean>;
  markSeen(keys: readonly string[]): Promise<void>;
}
