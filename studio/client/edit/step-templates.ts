import type { StepForms } from '../../api.ts';

/** The palette's kinds, in the order a marketer reads them, with their words. */
export const PALETTE: ReadonlyArray<{ kind: string; label: string }> = [
  { kind: 'send_email', label: 'Send email' },
  { kind: 'send_push', label: 'Send push' },
  { kind: 'send_sms', label: 'Send SMS' },
  { kind: 'set_var', label: 'Set variable' },
  { kind: 'add_to_list', label: 'Add to list' },
  { kind: 'remove_from_list', label: 'Remove from list' },
  { kind: 'send_event', label: 'Send event' },
  { kind: 'webhook', label: 'Webhook' },
  { kind: 'wait', label: 'Wait' },
  { kind: 'wait_until', label: 'Wait until a time' },
  { kind: 'wait_for', label: 'Wait for an event' },
  { kind: 'check', label: 'Check (if / else)' },
  { kind: 'split', label: 'Split (A/B)' },
  { kind: 'exit', label: 'Exit' },
];

/**
 * A new step of a kind, ready to run where it can be: the first destination able to do it, a
 * placeholder the marketer then changes in the form. A kind no configured destination can do
 * gets an empty destination, which validation then names.
 */
export function newStep(kind: string, forms: StepForms): unknown {
  const destination = forms.destinations[kind]?.[0] ?? '';
  switch (kind) {
    case 'send_email':
      return { send_email: { destination, template: 'new-template' } };
    case 'send_push':
      return { send_push: { destination, title: 'Hello', body: 'A new message' } };
    case 'send_sms':
      return { send_sms: { destination, body: 'A new message' } };
    case 'set_var':
      return { set_var: { destination, vars: { new_attribute: 'value' } } };
    case 'add_to_list':
    case 'remove_from_list':
      return { [kind]: { destination, list: 'new-list' } };
    case 'send_event':
      return { send_event: { destination, event: 'new_event' } };
    case 'webhook':
      return { webhook: { url: 'https://hooks.example.com/flowline', method: 'POST' } };
    case 'wait':
      return { wait: '1d' };
    case 'wait_until':
      return { wait_until: { time: '09:00' } };
    case 'wait_for':
      return { wait_for: { event: 'purchase', timeout: '3d', then: [], else: [] } };
    case 'check':
      return { check: { if: { 'profile.attributes.email': { exists: true } }, then: [], else: [] } };
    case 'split':
      return {
        split: [
          { label: 'A', percent: 50, steps: [] },
          { label: 'B', percent: 50, steps: [] },
        ],
      };
    default:
      return 'exit';
  }
}

/** The triggers a new flow can start from, each as the lines of its `trigger:` map. */
export const NEW_TRIGGERS: ReadonlyArray<{ key: string; label: string; yaml: string }> = [
  { key: 'event', label: 'an event (mParticle custom event)', yaml: 'trigger:\n  event: signed_up\n' },
  { key: 'session', label: 'a session start', yaml: 'trigger:\n  event: mp_session_start\n' },
  { key: 'attribute', label: 'an attribute change', yaml: 'trigger:\n  attribute_change: tier\n' },
  { key: 'audience', label: 'joining an audience', yaml: 'trigger:\n  audience: { name: New audience, on: added }\n' },
  {
    key: 'date',
    label: 'a date (a birthday, a renewal)',
    yaml: 'trigger:\n  date: profile.attributes.birthday\n  anniversary: true\n  at: "09:00"\n',
  },
];

/** A new flow's file: its id, name and trigger, and one wait to start from. */
export function newFlowText(id: string, name: string, triggerYaml: string): string {
  return [
    '# yaml-language-server: $schema=../schema/flow.schema.json',
    `flow: ${id}`,
    `name: ${JSON.stringify(name)}`,
    'status: draft',
    '',
    triggerYaml.trimEnd(),
    '',
    'steps:',
    '  - wait: 1d',
    '',
  ].join('\n');
}
