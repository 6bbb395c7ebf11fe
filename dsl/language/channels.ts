import { CHANNEL_OF, type ChannelOf } from './step-kinds.ts';

/**
 * The channels message-sending steps send on (from the step-kind table in step-kinds.ts). Other
 * destination steps (set_var, lists, send_event, webhook) are not marketing sends and pass every
 * guardrail.
 */
export type Channel = ChannelOf[keyof ChannelOf];

export const CHANNELS: readonly Channel[] = [...new Set(Object.values(CHANNEL_OF))];

/** The channel a step kind sends on, or undefined for a step that sends no message. */
export const channelOf = (kind: string): Channel | undefined => (CHANNEL_OF as Record<string, Channel | undefined>)[kind];
