/**
 * Every step kind of the flow language, in the order the reference lists them. A step that calls
 * a destination names the activity that performs it, and one that sends a message its channel
 * (what frequency caps count, quiet hours hold and suppression stops); a step that waits says so
 * (the run stays there: its search attribute is set, its entry recorded ahead). Every other list of kinds
 * — destination steps, activities, channels, handlers — is derived from this table.
 */
const STEP_KIND_TABLE = {
  set_var: { activity: 'setVars' },
  send_email: { activity: 'sendEmail', channel: 'email' },
  send_push: { activity: 'sendPush', channel: 'push' },
  send_sms: { activity: 'sendSms', channel: 'sms' },
  add_to_list: { activity: 'addToList' },
  remove_from_list: { activity: 'removeFromList' },
  send_event: { activity: 'sendEvent' },
  webhook: { activity: 'callWebhook' },
  wait: { pauses: true },
  wait_until: { pauses: true },
  wait_for: { pauses: true },
  check: {},
  split: {},
  exit: {},
} as const;

type Table = typeof STEP_KIND_TABLE;
export type StepKind = keyof Table;
export const STEP_KINDS = Object.keys(STEP_KIND_TABLE) as StepKind[];

/** Steps that call a destination, and so must name one its type can serve. */
export type DestinationStep = { [K in StepKind]: Table[K] extends { activity: string } ? K : never }[StepKind];
export const DESTINATION_STEPS: readonly DestinationStep[] = STEP_KINDS.filter(
  (k): k is DestinationStep => 'activity' in STEP_KIND_TABLE[k],
);

/** The activity that performs each destination step. */
export type ActivityFor = { [K in DestinationStep]: Table[K]['activity'] };
export const ACTIVITY_FOR = Object.fromEntries(DESTINATION_STEPS.map((k) => [k, STEP_KIND_TABLE[k].activity])) as ActivityFor;
export type EffectActivity = ActivityFor[DestinationStep];

/** Steps that send a message, and the channel of each. */
type MessageStep = { [K in StepKind]: Table[K] extends { channel: string } ? K : never }[StepKind];
export type ChannelOf = { [K in MessageStep]: Table[K]['channel'] };
export const CHANNEL_OF = Object.fromEntries(
  STEP_KINDS.flatMap((k) => ('channel' in STEP_KIND_TABLE[k] ? [[k, (STEP_KIND_TABLE[k] as { channel: string }).channel]] : [])),
) as ChannelOf;

/** Steps a run waits at (a durable timer). */
export const PAUSING_STEPS: ReadonlySet<StepKind> = new Set(STEP_KINDS.filter((k) => 'pauses' in STEP_KIND_TABLE[k]));

export const isStepKind = (key: string): key is StepKind => Object.hasOwn(STEP_KIND_TABLE, key);
export const isDestinationStep = (kind: string | undefined): kind is DestinationStep =>
  kind !== undefined && (DESTINATION_STEPS as readonly string[]).includes(kind);
