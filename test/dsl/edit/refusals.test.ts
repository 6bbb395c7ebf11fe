import { describe, expect, it } from 'vitest';
import { applyEdit, applyEdits, stepPlaces, type EditResult, type FlowEdit } from '../../../dsl/edit/index.ts';

const FLOW = `flow: refusals
trigger: { event: sign_up }
steps:
  - id: first
    send_email: &mail
      destination: sailthru
      template: welcome
  - wait: 1d
  - id: again
    send_email: *mail
  - check:
      if: { profile.attributes.tier: { eq: gold } }
      then:
        - wait: 2d
`;

const refused = (result: EditResult): string => {
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
};

describe('edits the YAML writer refuses, with the reason', () => {
  it('refuses to remove, move or rewrite a step that holds an anchor or an alias, naming it', () => {
    expect(refused(applyEdit(FLOW, { op: 'removeStep', step: 'first' }))).toMatch(/steps\[0\] holds an anchor \(&mail\)/);
    expect(refused(applyEdit(FLOW, { op: 'moveStep', step: 'again', where: { top: 0 } }))).toMatch(/steps\[2\] holds an alias \(\*mail\)/);
    expect(refused(applyEdit(FLOW, { op: 'setStep', step: 'again', key: 'template', value: 'x' }))).toMatch(/alias \(\*mail\)/);
    // Elsewhere in the same file, edits go on.
    expect(applyEdit(FLOW, { op: 'setStep', step: '#2', key: 'wait', value: '3d' }).ok).toBe(true);
  });

  it('refuses a key under a merge key', () => {
    const text =
      'flow: m\ntrigger: { event: a }\nbase: &b { destination: sailthru }\nsteps:\n  - send_email:\n      <<: *b\n      template: t\n';
    expect(refused(applyEdit(text, { op: 'setStep', step: '#1', key: 'template', value: 'u' }))).toMatch(/merge key/);
  });

  it('refuses a file of several documents, or one that is not YAML', () => {
    expect(refused(applyEdit('flow: a\n---\nflow: b\n', { op: 'set', path: ['flow'], value: 'c' }))).toMatch(/2 YAML documents/);
    expect(refused(applyEdit('flow: [a\n', { op: 'set', path: ['flow'], value: 'c' }))).toMatch(/not valid YAML/);
    expect(stepPlaces('flow: [a\n')).toBeUndefined();
  });

  it('names the steps there are when a step is not one of them', () => {
    expect(refused(applyEdit(FLOW, { op: 'removeStep', step: 'nope' }))).toBe(
      "no step 'nope': the steps are first (#1), #2, again (#3), #4, #4.then.1",
    );
    expect(refused(applyEdit(FLOW, { op: 'addStep', step: 'exit', where: { after: '#9' } }))).toMatch(/^no step '#9'/);
  });

  it('refuses moving a step into itself or into a branch it does not have', () => {
    expect(refused(applyEdit(FLOW, { op: 'moveStep', step: '#4', where: { into: '#4', branch: 'else' } }))).toBe(
      "step '#4' cannot move into itself",
    );
    expect(refused(applyEdit(FLOW, { op: 'moveStep', step: '#4', where: { after: '#4.then.1' } }))).toMatch(/into itself/);
    expect(refused(applyEdit(FLOW, { op: 'addStep', step: 'exit', where: { into: '#2', branch: 'then' } }))).toMatch(
      /step '#2' is a wait: only check and wait_for have 'then'/,
    );
    expect(refused(applyEdit(FLOW, { op: 'addStep', step: 'exit', where: { into: '#4', branch: 'branch2' } }))).toMatch(/is not a split/);
    expect(refused(applyEdit(FLOW, { op: 'addStep', step: 'exit', where: { top: 7 } }))).toMatch(/top 7: the flow has 4 top-level steps/);
  });

  it('refuses a path through a value, an index past a list, and a key of a one-value step', () => {
    expect(refused(applyEdit(FLOW, { op: 'set', path: ['steps', 1, 'wait', 'x'], value: 1 }))).toMatch(
      /steps\[1\]\.wait is a value \(1d\), not a map or a list/,
    );
    expect(refused(applyEdit(FLOW, { op: 'set', path: ['steps', 9, 'wait'], value: '1d' }))).toMatch(/no item 9/);
    expect(refused(applyEdit(FLOW, { op: 'delete', path: ['steps', 1, 'nothing'] }))).toMatch(/nothing at steps\[1\]\.nothing/);
    expect(refused(applyEdit(FLOW, { op: 'setStep', step: '#2', key: 'timeout', value: '1d' }))).toMatch(
      /wait written as one value: it has no key 'timeout'/,
    );
  });

  it('refuses a step given as text of several steps, and two steps of one id', () => {
    expect(refused(applyEdit(FLOW, { op: 'addStep', step: '- wait: 1d\n- wait: 2d', where: { top: 0 } }))).toMatch(
      /one step, not a list of 2/,
    );
    const twice = FLOW.replace('id: again', 'id: first');
    expect(refused(applyEdit(twice, { op: 'removeStep', step: 'first' }))).toMatch(/2 steps have the id 'first'.*#1, #3/);
  });

  it('refuses mixed line ends, and writes nothing of a batch when one edit is refused', () => {
    expect(refused(applyEdit('flow: a\r\ntrigger: { event: b }\nsteps: [exit]\n', { op: 'set', path: ['flow'], value: 'c' }))).toMatch(
      /mixes CRLF and LF/,
    );
    const edits: FlowEdit[] = [
      { op: 'setStep', step: '#2', key: 'wait', value: '3d' },
      { op: 'removeStep', step: 'nope' },
    ];
    expect(applyEdits(FLOW, edits).ok).toBe(false);
  });
});
