import { expect, it } from 'vitest';
import { stepsById } from '../../dsl/language/ir.ts';
import { emptyProfile } from '../../store/store.ts';
import { previewStep, stepSummary } from '../../studio/preview.ts';
import { compile } from '../helpers/temporal.ts';

const FLOW = `flow: preview
name: Preview
trigger: { event: sign_up }
steps:
  - id: push
    send_push:
      destination: clevertap
      title: "Hi {{ profile.attributes.first_name | default: 'there' }}"
      body: "You have {{ profile.attributes.points | default: 0 }} points"
  - id: hook
    webhook:
      url: "https://example.com/users/{{ profile.id }}"
      method: POST
      headers: { X-Campaign: "spring-{{ profile.id }}" }
      body: { user: "{{ profile.id }}", plan: gold }
  - id: pause
    wait: 7d
`;
const ir = compile(FLOW);
const step = (id: string) => stepsById(ir).get(id)!;
const field = (preview: ReturnType<typeof previewStep>, label: string) => preview!.fields.find((f) => f.label === label)?.text;

it("renders a push for a sample profile, so a template's defaults show", () => {
  const preview = previewStep(ir, step('push'));
  expect(preview).toMatchObject({ sample: true, for: 'sample-user' });
  expect(field(preview, 'title')).toBe('Hi there');
  expect(field(preview, 'body')).toBe('You have 0 points');
  expect(field(preview, 'to')).toBe('sample@example.com');
});

it("renders the same push for a chosen user's profile", () => {
  const profile = { ...emptyProfile('u7'), attributes: { first_name: 'Ada', points: 120 }, identities: { email: 'ada@example.com' } };
  const preview = previewStep(ir, step('push'), profile);
  expect(preview).toMatchObject({ sample: false, for: 'u7' });
  expect(field(preview, 'title')).toBe('Hi Ada');
  expect(field(preview, 'body')).toBe('You have 120 points');
  expect(field(preview, 'to')).toBe('ada@example.com');
});

it("shows a webhook's request and body but never a header's value (it carries credentials)", () => {
  const preview = previewStep(ir, step('hook'));
  expect(field(preview, 'request')).toBe('POST https://example.com/users/sample-user');
  expect(field(preview, 'header X-Campaign')).toBe('(value hidden)');
  expect(JSON.stringify(preview)).not.toContain('spring-');
  expect(JSON.parse(field(preview, 'body')!)).toEqual({ user: 'sample-user', plan: 'gold' });
});

it('previews nothing for a step that sends nothing, and sums a step up as a form would', () => {
  expect(previewStep(ir, step('pause'))).toBeNull();
  expect(stepSummary(step('pause'))).toEqual([
    ['does', 'wait 7d'],
    ['id', 'pause'],
  ]);
  expect(stepSummary(step('push'))).toContainEqual(['destination', 'clevertap']);
  expect(stepSummary(step('push'))).toContainEqual(['if the call fails', 'the run fails (on_error: fail)']);
});
