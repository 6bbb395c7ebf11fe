import type { DestinationStep } from './step-kinds.ts';

/**
 * Which steps each destination type can perform. The validator reads this declaration and the
 * clients implement it, so a flow that validates never asks a destination for what it cannot do.
 */
const CAPABILITIES = {
  sailthru: ['set_var', 'send_email', 'add_to_list', 'remove_from_list', 'send_event'],
  customerio: ['set_var', 'send_email', 'send_push', 'send_sms', 'add_to_list', 'remove_from_list', 'send_event'],
  clevertap: ['set_var', 'send_push', 'send_sms', 'send_event'],
  moengage: ['set_var', 'send_event'],
  mparticle: ['set_var', 'send_event'],
  antavo: ['set_var', 'send_event'],
  webhook: ['webhook'],
} as const satisfies Record<string, readonly DestinationStep[]>;

export type DestinationType = keyof typeof CAPABILITIES;

export const DESTINATION_TYPES = Object.keys(CAPABILITIES) as DestinationType[];

/** Said when a step asks a type for something it lacks, so the reader learns why, not only no. */
export const LIMITS: Record<DestinationType, string> = {
  sailthru: 'Sailthru’s API sends email and keeps vars, lists and events; push and SMS are sent from Sailthru’s own flows',
  customerio: '',
  clevertap: 'CleverTap’s API has no transactional email and no list membership (use profile properties and segments)',
  moengage: 'MoEngage’s server-to-server Data API records users and events only; it sends no email, push or SMS',
  mparticle: 'mParticle forwards events and user attributes to its outputs; it sends no messages itself',
  antavo: 'Antavo records loyalty events and customer fields; it sends no messages itself',
  webhook: 'a webhook destination only serves webhook steps',
};

export function canPerform(type: DestinationType, step: DestinationStep): boolean {
  return (CAPABILITIES[type] as readonly string[]).includes(step);
}

export function typesThatCan(step: DestinationStep): DestinationType[] {
  return DESTINATION_TYPES.filter((t) => canPerform(t, step));
}
