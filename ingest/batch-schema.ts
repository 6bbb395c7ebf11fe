import { epochMs, idString, LIMITS } from './limits.ts';

/**
 * Every `event_type` mParticle's Events API takes (its SDKs' `EventTypeEnum`: Node, Python,
 * `@mparticle/event-models`). A type flows do not act on must still be taken, never a 400: the
 * SDKs send them (the Python SDK's `pre_attribution`), and a 400 would lose the batch's other events.
 */
const EVENT_TYPES = [
  'custom_event',
  'session_start',
  'session_end',
  'screen_view',
  'commerce_event',
  'user_attribute_change',
  'user_identity_change',
  'crash_report',
  'opt_out',
  'first_run',
  'pre_attribution',
  'push_registration',
  'application_state_transition',
  'push_message',
  'network_performance',
  'breadcrumb',
  'profile',
  'push_reaction',
  'uninstall',
  'validation_result',
  'unknown',
];

/** An identity value: what names a user, so capped like an id. */
const identityValue = { type: ['string', 'number', 'null'], maxLength: LIMITS.idChars } as const;

/**
 * One batch, as mParticle's Events API takes it. Besides the shape, it checks what would fail
 * later: ids and names are capped, timestamps are epoch milliseconds (ingest/limits.ts).
 * `environment` may be left out (mParticle's schema defaults it to production; its Python SDK
 * leaves it out unless set); Flowline treats every environment alike.
 */
export const batchSchema = {
  type: 'object',
  properties: {
    environment: { type: 'string', enum: ['development', 'production', 'unknown'] },
    events: {
      type: 'array',
      items: {
        type: 'object',
        required: ['event_type', 'data'],
        properties: {
          event_type: { type: 'string', enum: EVENT_TYPES },
          data: {
            type: 'object',
            properties: {
              timestamp_unixtime_ms: epochMs,
              source_message_id: { type: ['string', 'integer'], maxLength: LIMITS.idChars },
              event_name: idString,
              session_uuid: idString,
              screen_name: idString,
              user_attribute_name: idString,
              currency_code: idString,
              custom_attributes: { type: 'object' },
              product_action: {
                type: 'object',
                properties: { action: idString, transaction_id: { type: ['string', 'integer'], maxLength: LIMITS.idChars } },
              },
            },
          },
        },
        if: { properties: { event_type: { const: 'custom_event' } } },
        then: {
          properties: { data: { type: 'object', required: ['event_name'], properties: { event_name: { type: 'string', minLength: 1 } } } },
        },
      },
    },
    user_identities: {
      type: ['object', 'array'],
      additionalProperties: identityValue,
      items: { type: 'object', properties: { identity_type: idString, identity: identityValue } },
    },
    user_attributes: { type: 'object' },
    deleted_user_attributes: { type: 'array', items: idString },
    mpid: { type: ['string', 'integer'], maxLength: LIMITS.idChars },
    source_request_id: idString,
    timestamp_unixtime_ms: epochMs,
  },
} as const;
