import { callFor, userRef } from '../activities/destination-call.ts';
import type { EffectStep } from '../activities/types.ts';
import { describeStep, hasOwnId } from '../dsl/language/describe.ts';
import { formatDuration } from '../dsl/language/durations.ts';
import { manualEvent } from '../dsl/language/event.ts';
import type { FlowIR, StepIR } from '../dsl/language/ir.ts';
import { isDestinationStep } from '../dsl/language/step-kinds.ts';
import { emptyProfile, type Profile } from '../store/store.ts';

type DestinationCall = ReturnType<typeof callFor>;

/** What a step would send, rendered as its activity renders it (activities/destination-call.ts). */
export interface StepPreview {
  /** Whose data the templates were rendered with: a chosen user's profile, or the sample's. */
  for: string;
  sample: boolean;
  fields: Array<{ label: string; text: string }>;
  /** Why it could not be rendered (a template past a render limit): the step would fail so. */
  problem?: string;
}

/** The user a preview is rendered for when none is chosen: an email and nothing else, so templates show their defaults. */
const SAMPLE_USER = 'sample-user';
const sampleProfile = (): Profile => ({
  ...emptyProfile(SAMPLE_USER),
  identities: { customerid: SAMPLE_USER, email: 'sample@example.com' },
});

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/** The call's parts a person checks before it goes out, one labelled field each. Header values stay hidden: they carry credentials. */
function fieldsOf(call: DestinationCall): StepPreview['fields'] {
  const to = { label: 'to', text: call.user.email ?? call.user.id };
  switch (call.kind) {
    case 'send_email':
      return [
        to,
        { label: 'template', text: call.template },
        ...Object.entries(call.vars).map(([k, v]) => ({ label: `var ${k}`, text: text(v) })),
      ];
    case 'send_push':
      return [
        to,
        ...(call.title !== undefined ? [{ label: 'title', text: call.title }] : []),
        { label: 'body', text: call.body },
        ...(call.deepLink !== undefined ? [{ label: 'deep link', text: call.deepLink }] : []),
        ...Object.entries(call.vars).map(([k, v]) => ({ label: `var ${k}`, text: text(v) })),
      ];
    case 'send_sms':
      return [
        { label: 'to', text: call.user.identities.phone ?? call.user.identities.mobile_number ?? call.user.id },
        { label: 'body', text: call.body },
      ];
    case 'add_to_list':
    case 'remove_from_list':
      return [to, { label: 'list', text: call.list }];
    case 'send_event':
      return [
        { label: 'event', text: `${call.event} (${call.eventType})` },
        ...Object.entries(call.attributes).map(([k, v]) => ({ label: `attribute ${k}`, text: text(v) })),
      ];
    case 'webhook':
      return [
        { label: 'request', text: `${call.method} ${call.url}` },
        ...Object.keys(call.headers).map((k) => ({ label: `header ${k}`, text: '(value hidden)' })),
        ...(call.body !== undefined ? [{ label: 'body', text: text(call.body) }] : []),
      ];
    case 'set_var':
      return Object.entries(call.vars).map(([k, change]) => ({
        label: `var ${k}`,
        text: 'delete' in change ? 'deleted' : 'increment' in change ? `+${change.increment} (→ ${change.result})` : text(change.set),
      }));
  }
}

/**
 * The step's call rendered for a profile (the chosen user's, else a sample's) and an event like
 * the trigger's, with no run vars: what would go out, or why it could not. Null for a step that
 * calls no destination.
 */
export function previewStep(flow: FlowIR, step: StepIR, profile?: Profile): StepPreview | null {
  if (!isDestinationStep(step.kind)) return null;
  const who = profile ?? sampleProfile();
  const event = manualEvent({ name: flow.trigger.kind === 'event' ? flow.trigger.event : flow.trigger.kind }, 'preview', Date.now());
  const base = { for: who.id, sample: profile === undefined };
  try {
    const call = callFor(step as EffectStep, userRef(who), { event, profile: who, vars: {} }, who);
    return { ...base, fields: fieldsOf(call) };
  } catch (error) {
    return { ...base, fields: [], problem: (error as Error).message };
  }
}

const ON_ERROR_WORDS = { fail: 'the run fails (on_error: fail)', continue: 'go on with the next step', exit: 'leave the flow' } as const;

/** The step as a form would show it: what it does, then its settings, one row each. */
export function stepSummary(step: StepIR): Array<[string, string]> {
  const rows: Array<[string, string]> = [['does', describeStep(step).lines.filter(Boolean).join(' · ')]];
  if ('destination' in step) rows.push(['destination', step.destination]);
  if (hasOwnId(step)) rows.push(['id', step.id]);
  if (isDestinationStep(step.kind))
    rows.push(['if the call fails', typeof step.onError === 'string' ? ON_ERROR_WORDS[step.onError] : 'run its failure branch']);
  if (step.retry?.attempts !== undefined)
    rows.push(['retry', `${step.retry.attempts} attempts${step.retry.backoffMs ? `, ${formatDuration(step.retry.backoffMs)} apart` : ''}`]);
  if (step.transactional) rows.push(['transactional', 'yes: passes caps, quiet hours and suppression']);
  return rows;
}
