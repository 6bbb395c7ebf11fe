/** The step kinds of the flow language, in the order the reference lists them. */
export const STEP_KINDS = [
  'set_var',
  'send_email',
  'send_push',
  'send_sms',
  'add_to_list',
  'remove_from_list',
  'send_event',
  'webhook',
  'wait',
  'wait_until',
  'wait_for',
  'check',
  'split',
  'exit',
] as const;

export type StepKind = (typeof STEP_KINDS)[number];

/** Steps that call a destination, and so must name one its type can serve. */
export const DESTINATION_STEPS = [
  'set_var',
  'send_email',
  'send_push',
  'send_sms',
  'add_to_list',
  'remove_from_list',
  'send_event',
  'webhook',
] as const satisfies readonly StepKind[];

export type DestinationStep = (typeof DESTINATION_STEPS)[number];

export const isStepKind = (key: string): key is StepKind => (STEP_KINDS as readonly string[]).includes(key);
