import { createHash } from 'node:crypto';
import type { FromSchema } from 'json-schema-to-ts';
import type { FlowEvent } from '../dsl/language/event.ts';
import { isRecord } from '../dsl/parse/walk.ts';
import type { batchSchema } from './batch-schema.ts';

/**
 * An mParticle batch as sent to `/v2/events` (the Events API or the outbound JSON shape), as its
 * schema (ingest/batch-schema.ts) checked it: the type is derived from the schema, so the two
 * cannot drift. Fields the schema leaves open are `unknown`, converted where they are read.
 */
export type MparticleBatch = FromSchema<typeof batchSchema>;

/** One event of a batch: its type, and its `data` as sent. */
type MparticleEvent = NonNullable<MparticleBatch['events']>[number];

export interface NormalizedBatch {
  /** Identities by type, `customerid` spelt `customer_id`, values as text. */
  identities: Record<string, string>;
  /** User attributes with `$` removed from reserved names (`$FirstName` → `FirstName`). */
  attributes: Record<string, unknown>;
  deletedAttributes: string[];
  events: FlowEvent[];
  /** Event types accepted but not acted on, counted. */
  ignored: number;
  /** A stable id for the batch: the sender's source_request_id, else a hash of its content. */
  batchId: string;
}

const plain = (name: string): string => name.replace(/^\$/, '');

/**
 * An identity type as profiles key it: the Events API's names (`customer_id`, `other_id_2`, …).
 * mParticle's formats spell some differently: the Events API docs `customerid`; the audience
 * partner format uses the Firehose SDK's `UserIdentity.Type` in lower case, `customer` for the
 * customer id and `other2` … `other10` for `other_id_2` … `other_id_10`. Other names
 * (`email`, `other`, `mobile_number`, `phone_number_2`, `facebook`, …) are the same everywhere.
 */
const identityType = (type: string): string => {
  const lower = type.toLowerCase();
  if (lower === 'customerid' || lower === 'customer') return 'customer_id';
  const other = /^other(\d+)$/.exec(lower);
  return other ? `other_id_${other[1]}` : lower;
};

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 24);

const SESSION: Record<string, string> = { session_start: 'mp_session_start', session_end: 'mp_session_end' };

function identitiesOf(batch: MparticleBatch): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (type: string, value: unknown) => {
    if (value === undefined || value === null || value === '') return;
    out[identityType(type)] = String(value);
  };
  if (Array.isArray(batch.user_identities)) for (const i of batch.user_identities) put(String(i.identity_type ?? ''), i.identity);
  else for (const [type, value] of Object.entries(batch.user_identities ?? {})) put(type, value);
  // mpid may exceed 2^53 as a JSON number; the raw text keeps it exact (see batchMpid).
  if (batch.mpid !== undefined) put('mpid', batch.mpid);
  return out;
}

/** A field of a JSON value that may be an object, as `value.key` reads it (undefined when it is not one). */
const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/** One mParticle event as a FlowEvent, or undefined for types flows do not act on. */
function eventOf(raw: MparticleEvent, id: string, fallbackTime: number): FlowEvent | undefined {
  const data = raw.data ?? {};
  const base = {
    id: String(data.source_message_id ?? id),
    type: String(raw.event_type),
    timestamp: Number(data.timestamp_unixtime_ms ?? fallbackTime),
    attributes: Object.fromEntries(Object.entries(data.custom_attributes ?? {}).map(([k, v]) => [plain(k), v])),
  };
  switch (raw.event_type) {
    case 'custom_event':
      return { ...base, name: String(data.event_name) };
    case 'session_start':
    case 'session_end':
      return {
        ...base,
        name: SESSION[raw.event_type]!,
        attributes: {
          ...base.attributes,
          session_uuid: data.session_uuid,
          ...(data.session_duration_ms !== undefined ? { session_duration_ms: data.session_duration_ms } : {}),
        },
      };
    case 'screen_view':
      return { ...base, name: 'screen_view', attributes: { ...base.attributes, screen_name: data.screen_name } };
    case 'commerce_event': {
      const action = data.product_action ?? {};
      if (!action.action) return undefined;
      return {
        ...base,
        name: String(action.action),
        ...(action.transaction_id !== undefined ? { transaction_id: String(action.transaction_id) } : {}),
        ...(action.total_amount !== undefined ? { revenue: Number(action.total_amount) } : {}),
        ...(data.currency_code !== undefined ? { currency: String(data.currency_code) } : {}),
        // The schema leaves products open: a list of objects is kept, anything else is no products.
        products: Array.isArray(action.products) ? action.products.filter(isRecord) : [],
        attributes: {
          ...base.attributes,
          ...(action.coupon_code ? { coupon_code: action.coupon_code } : {}),
          ...(action.tax_amount !== undefined ? { tax_amount: action.tax_amount } : {}),
        },
      };
    }
    case 'user_attribute_change':
      return {
        ...base,
        name: 'user_attribute_change',
        attribute_name: plain(String(data.user_attribute_name)),
        new: data.new,
        old: data.old,
      };
    case 'user_identity_change': {
      const identity = data.new ?? data.old ?? {};
      const type = field(identity, 'identity_type');
      const value = field(identity, 'identity');
      return {
        ...base,
        name: 'user_identity_change',
        identity_type: String(type ?? ''),
        identity: value === undefined ? undefined : String(value),
      };
    }
    default:
      return undefined;
  }
}

/** Every event type we act on becomes one FlowEvent; the rest are counted. */
export function normalizeBatch(batch: MparticleBatch, now: number): NormalizedBatch {
  const batchId = batch.source_request_id ?? digest(batch);
  const time = Number(batch.timestamp_unixtime_ms ?? now);
  const events: FlowEvent[] = [];
  let ignored = 0;
  (batch.events ?? []).forEach((raw, i) => {
    const event = eventOf(raw, `${batchId}:${i}`, time);
    if (event) events.push(event);
    else ignored++;
  });
  return {
    identities: identitiesOf(batch),
    attributes: Object.fromEntries(Object.entries(batch.user_attributes ?? {}).map(([k, v]) => [plain(k), v])),
    deletedAttributes: (batch.deleted_user_attributes ?? []).map(plain),
    events,
    ignored,
    batchId,
  };
}

/** mParticle's `audience_membership_change_request`, as its audience outputs send it to `/v2/audiences`. */
export interface AudienceRequest {
  type?: string;
  /** The message's UUID and time, both required in mParticle's format. */
  id?: string;
  timestamp_ms?: number;
  user_profiles?: Array<{
    mpid?: string | number;
    user_identities?: Array<{ type: string; encoding?: string; value: string }>;
    audiences: Array<{ audience_id: string | number; audience_name?: string; action: string }>;
  }>;
}

/**
 * One batch per user profile of an audience request. Ids come from the content (the user, the
 * audiences and actions, and mParticle's timestamp, else its message id), so a redelivery is
 * recognised and ids never depend on the process that received them. With neither, the same
 * change sent again is taken for a redelivery. Hashed identities (`md5`, `sha1`, `sha256`)
 * cannot key a profile: skipped.
 */
export function audienceBatches(request: AudienceRequest, now: number): NormalizedBatch[] {
  const sent = request.timestamp_ms ?? request.id;
  return (request.user_profiles ?? []).map((profile) => {
    const identities: Record<string, string> = {};
    for (const id of profile.user_identities ?? [])
      if ((id.encoding ?? 'raw').toLowerCase() === 'raw') identities[identityType(id.type)] = id.value;
    if (profile.mpid !== undefined) identities.mpid = String(profile.mpid);
    const user = Object.entries(identities).sort(([a], [b]) => a.localeCompare(b));
    const events: FlowEvent[] = profile.audiences
      .filter((a) => a.action !== 'attribute_update')
      .map((a) => ({
        id: `audience:${a.audience_id}:${a.action}:${digest({ user, audience: String(a.audience_id), action: a.action, sent })}`,
        name: a.action === 'add' ? 'audience_added' : 'audience_removed',
        type: 'audience_membership_change',
        timestamp: request.timestamp_ms ?? now,
        attributes: {},
        audience_id: String(a.audience_id),
        ...(a.audience_name ? { audience_name: a.audience_name } : {}),
      }));
    const changes = profile.audiences.map((a) => [String(a.audience_id), a.action]);
    return {
      identities,
      attributes: {},
      deletedAttributes: [],
      events,
      ignored: 0,
      batchId: `audience:${digest({ user, changes, sent })}`,
    };
  });
}
