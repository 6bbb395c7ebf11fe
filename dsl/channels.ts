import type { StepKind } from './step-kinds.ts';

/**
 * The channel each message-sending step kind sends on: what frequency caps count, quiet hours
 * hold and suppression stops. Other destination steps (set_var, lists, send_event, webhook) are
 * not marketing sends and pass every guardrail.
 */
export const CHANNEL_OF = {
  send_email: 'email',
  send_push: 'push',
  send_sms: 'sms',
} as const satisfies Partial<Record<StepKind, string>>;

export type Channel = (typeof CHANNEL_OF)[keyof typeof CHANNEL_OF];

export const CHANNELS: readonly Channel[] = Object.values(CHANNEL_OF);

/** The channel a step kind sends on, or undefined for a step that sends no message. */
export const channelOf = (kind: string): Channel | undefined => (CHANNEL_OF as Record<string, Channel | undefined>)[kind];
