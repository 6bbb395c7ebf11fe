import type { FlowEvent } from '../dsl/language/event.ts';
import type { EntryRule, Reservation } from './entry-records.ts';
import type { ClaimAnswer, SendCap, SendClaim } from './send-claims.ts';

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
 * What the first attempt at a batch leaves for its retry: the attribute changes it found by
 * comparing the batch with the profile before it. The retry finds the profile already written,
 * so it takes the changes from here. Removed once the batch is handled.
 */
export interface PendingBatch {
  changes: FlowEvent[];
}

/** What the sweeper removes: de-duplication records marked before `seenBefore`, entry records no rule needs at `now`. */
export interface SweepCutoffs {
  seenBefore: number;
  now: number;
}

export interface SweepResult {
  seen: number;
  entries: number;
}

/**
 * Which profiles a page returns: members of an audience (by name, as profiles keep them) and/or
 * those with a value at a field path (e.g. ['attributes', 'birthday']).
 */
export interface ProfileFilter {
  audience?: string;
  has?: readonly string[];
}

/** The largest page `pageProfiles` reads, whatever `limit` asks. */
export const MAX_PAGE = 1_000;

/** What `pageProfiles` is asked: the cursor, how many profiles to read, which of them to return. */
export interface PageQuery {
  after?: string;
  limit: number;
  filter?: ProfileFilter;
}

/** How many profiles a page reads: `limit`, at least one and at most MAX_PAGE (both stores read so many). */
export const pageSize = (query: PageQuery): number => Math.max(1, Math.min(query.limit, MAX_PAGE));

/**
 * One page of a scan over every profile in a fixed order. `next` is the keyset cursor to pass as
 * `after` for the page after (opaque; absent once the scan is done): a scan resumes where it left
 * off, and profiles added meanwhile are found if they sort after the cursor.
 */
export interface ProfilePage {
  profiles: Profile[];
  next?: string;
}

/** Whether a profile passes a filter (both stores apply the same test). */
export function matchesFilter(profile: Profile, filter: ProfileFilter = {}): boolean {
  if (filter.audience !== undefined && !profile.audiences.includes(filter.audience)) return false;
  if (filter.has) {
    let value: unknown = profile;
    for (const key of filter.has) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (value === undefined || value === null || value === '') return false;
  }
  return true;
}

/** Profiles: identities, attributes, lists, audiences and vars per user. */
export interface Profiles {
  get(userId: string): Promise<Profile>;
  /**
   * Applies a change and returns the profile after it. Changes to one user are serialised, across
   * processes. A change that takes the profile over PROFILE_LIMITS throws a ProfileLimitError
   * (statusCode 413) and writes nothing.
   */
  update(userId: string, change: (profile: Profile) => void): Promise<Profile>;
  /**
   * Reads the next `limit` profiles (at most MAX_PAGE) after the cursor and returns those matching
   * the filter: the work per call is bounded however few match, so a page may hold none and still
   * have a `next`.
   */
  pageProfiles(query: PageQuery): Promise<ProfilePage>;
}

/** Entries into flows, kept durably because Temporal forgets closed runs after its retention: what entry rules decide by. */
interface EntryRecords {
  /** When the user entered this flow (epoch ms), oldest first. */
  entries(flowId: string, userId: string): Promise<number[]>;
  /** Those of these users with any entry record of this flow: one lookup for a page of members. */
  enteredAmong(flowId: string, userIds: readonly string[]): Promise<Set<string>>;
  /** Records an entry kept forever (no event, not pending). */
  recordEntry(flowId: string, userId: string, at: number): Promise<void>;
  /**
   * Checks the entry rule and, when it allows the entry, records it as pending for this event, in
   * one step per flow and user (atomic across processes): two simultaneous triggers cannot both
   * pass a cap of one.
   */
  reserveEntry(flowId: string, userId: string, entry: { at: number; eventId: string }, rule: EntryRule): Promise<Reservation>;
  /** The run started: the event's pending reservation becomes an entry. */
  confirmEntry(flowId: string, userId: string, eventId: string): Promise<void>;
  /** No run started: the event's pending reservation is removed. */
  releaseEntry(flowId: string, userId: string, eventId: string): Promise<void>;
}

/** Sends claimed against frequency caps. */
export interface SendClaims {
  /**
   * Checks a channel's frequency caps for a send and, when they allow it, records the claim, in one
   * step per user and channel (atomic across processes and flows): two sends at the same moment
   * cannot both pass a cap of one. Idempotent by claim id; claims past every window are dropped.
   */
  claimSend(userId: string, claim: SendClaim, caps: readonly SendCap[]): Promise<ClaimAnswer>;
}

/** What ingest has handled, for de-duplicating redelivery. */
export interface SeenRecords {
  /** Delivery ids already handled (batches, events). */
  seen(key: string): Promise<boolean>;
  /** Those of these keys already handled: one lookup for a batch's or a page's keys. */
  seenAmong(keys: readonly string[]): Promise<Set<string>>;
  markSeen(keys: readonly string[]): Promise<void>;
  /** The record a batch's earlier attempt left (see PendingBatch), if any. */
  pendingBatch(key: string): Promise<PendingBatch | undefined>;
  /** Writes a batch's pending record durably; undefined removes it. */
  savePendingBatch(key: string, pending: PendingBatch | undefined): Promise<void>;
}

/** The runs of a user that may be running, per `reentry: always` flow: how ingest finds whom to signal. */
export interface RunningRunIndex {
  /**
   * The ids of a user's runs of a `reentry: always` flow that may still be running: ingest adds a
   * run's id before starting it and removes ids whose run it finds closed, so the list is
   * consistent with the starts (Temporal's visibility is not) and may hold closed runs.
   */
  runningRuns(flowId: string, userId: string): Promise<string[]>;
  /** Adds and removes ids in that list, in one step per flow and user; returns the ids after. */
  changeRunningRuns(flowId: string, userId: string, change: { add?: readonly string[]; remove?: readonly string[] }): Promise<string[]>;
}

/** Deleting records past their retention. */
export interface Retention {
  /** Deletes de-duplication, pending-batch and entry records past their retention (see store/retention.ts). */
  sweep(cutoffs: SweepCutoffs): Promise<SweepResult>;
}

/**
 * Every record Flowline keeps outside Temporal but the step-event log, by role, behind one backend:
 * embedded files (no server) by default, PostgreSQL for deployments with several processes. Code
 * that needs one role takes that role's interface.
 */
export interface ProfileStore extends Profiles, EntryRecords, SendClaims, SeenRecords, RunningRunIndex, Retention {
  /** Lets go of what the backend holds (PostgreSQL's connections); the files need nothing. */
  close?(): Promise<void>;
}
