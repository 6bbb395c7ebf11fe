/** The JSON Schema Fastify checks every batch against; the answer to a bad batch names each field. */
const EVENT_TYPES = [
  'custom_event', 'session_start', 'session_end', 'screen_view', 'commerce_event', 'user_attribute_change', 'user_identity_change',
  'crash_report', 'opt_out', 'first_run', 'push_registration', 'application_state_transition', 'push_message', 'network_performance',
  'breadcrumb', 'profile', 'push_reaction', 'uninstall', 'validation_result', 'unknown',
];

export const batchSchema = {
  type: 'object',
  required: ['environment'],
  properties: {
    environment: { type: 'string', enum: ['development', 'production', 'unknown'] },
    events: {
      type: 'array',
      items: {
        type: 'object',
        required: ['event_type', 'data'],
        properties: {
          event_type: { type: 'string', enum: EVENT_TYPES },
          data: { type: 'object' },
        },
        if: { properties: { event_type: { const: 'custom_event' } } },
        then: { properties: { data: { type: 'object', required: ['event_name'], properties: { event_name: { type: 'string', minLength: 1 } } } } },
      },
    },
    user_identities: { type: ['object', 'array'] },
    user_attributes: { type: 'object' },
    deleted_user_attributes: { type: 'array', items: { type: 'string' } },
    mpid: { type: ['string', 'integer'] },
    source_request_id: { type: 'string' },
    timestamp_unixtime_ms: { type: 'number' },
  },
} as const;

export const bulkSchema = { type: 'array', maxItems: 100, items: batchSchema } as const;

export const audienceSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    user_profiles: {
      type: 'array',
      items: {
        type: 'object',
        required: ['audiences'],
        properties: {
          mpid: { type: ['string', 'integer'] },
          user_identities: {
            type: 'array',
            items: { type: 'object', required: ['type', 'value'], properties: { type: { type: 'string' }, encoding: { type: 'string' }, value: { type: 'string' } } },
          },
          audiences: {
            type: 'array',
            items: {
              type: 'object',
              required: ['audience_id', 'action'],
              properties: { audience_id: { type: ['string', 'integer'] }, audience_name: { type: 'string' }, action: { type: 'string', enum: ['add', 'delete', 'attribute_update'] } },
            },
          },
        },
      },
    },
  },
} as const;
