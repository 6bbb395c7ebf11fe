import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyEdit, applyEdits, findStep, stepPlaces, type FlowEdit } from '../../../dsl/edit/index.ts';

const write = (text: string, ...edits: FlowEdit[]): string => {
  const result = applyEdits(text, edits);
  if (!result.ok) throw new Error(result.reason);
  return result.text;
};

const FLOW = `flow: layout
trigger: { event: sign_up }
steps:
  # the welcome
  - id: welcome
    send_email:
      destination: sailthru
      template: "welcome-1"   # the first one
      vars: { first_name: 'there' }
  - wait: 1d
  - check:
      if: { profile.attributes.tier: { eq: gold } }
      then: [ exit ]
  - send_sms:
      destination: clevertap
      body: |
        Hello,
        come back.
`;

describe('where the YAML writer puts things, and in what form', () => {
  it('names every step with its position, id, kind and line', () => {
    expect(stepPlaces(FLOW)!.map((p) => [p.position, p.id, p.kind, p.line])).toEqual([
      ['#1', 'welcome', 'send_email', 5],
      ['#2', '#2', 'wait', 10],
      ['#3', '#3', 'check', 11],
      ['#3.then.1', '#3.then.1', 'exit', 13],
      ['#4', '#4', 'send_sms', 14],
    ]);
    expect(findStep(FLOW, 'welcome')?.path).toEqual(['steps', 0]);
    expect(findStep(FLOW, '#3.then.1')?.path).toEqual(['steps', 2, 'check', 'then', 0]);
    expect(findStep(FLOW, 'nope')).toBeUndefined();
  });

  it('keeps a value’s quoting, and quotes a new value only where it must', () => {
    expect(write(FLOW, { op: 'setStep', step: 'welcome', key: 'template', value: 'welcome-2' })).toContain(
      'template: "welcome-2"   # the first one\n',
    );
    expect(write(FLOW, { op: 'set', path: ['steps', 0, 'send_email', 'vars', 'first_name'], value: 'you' })).toContain(
      "vars: { first_name: 'you' }",
    );
    expect(write(FLOW, { op: 'setStep', step: '#2', key: 'wait', value: '5d' })).toContain('  - wait: 5d\n');
    expect(write(FLOW, { op: 'set', path: ['trigger', 'event'], value: 'a, b: c' })).toContain('trigger: { event: "a, b: c" }');
  });

  it('keeps a block scalar a block scalar', () => {
    const text = write(FLOW, { op: 'setStep', step: '#4', key: 'body', value: 'Hi,\ncome back soon.\n' });
    expect(text).toContain('      body: |\n        Hi,\n        come back soon.\n');
    expect((parse(text) as { steps: Array<{ send_sms: { body: string } }> }).steps[3]!.send_sms.body).toBe('Hi,\ncome back soon.\n');
  });

  it('turns a [ ] step list into a block list when a step (a map) is added to it, and adds a word inline', () => {
    expect(write(FLOW, { op: 'addStep', step: { wait: '2d' }, where: { into: '#3', branch: 'then', index: 0 } })).toContain(
      '      then:\n        - wait: 2d\n        - exit\n  - send_sms:',
    );
    expect(write(FLOW, { op: 'addStep', step: 'exit', where: { into: '#3', branch: 'then' } })).toContain('then: [ exit, exit ]');
  });

  it('makes a missing branch, on_error and map where a step goes', () => {
    const text = write(
      FLOW,
      { op: 'addStep', step: { wait: '1h' }, where: { into: '#3', branch: 'else' } },
      { op: 'addStep', step: { wait: '2h' }, where: { into: 'welcome', branch: 'on_error' } },
      { op: 'set', path: ['steps', 1, 'retry', 'attempts'], value: 3 },
    );
    expect(text).toContain('      then: [ exit ]\n      else:\n        - wait: 1h\n');
    expect(text).toContain("      vars: { first_name: 'there' }\n    on_error:\n      steps:\n        - wait: 2h\n  - wait: 1d\n");
    expect(text).toContain('  - wait: 1d\n    retry:\n      attempts: 3\n');
  });

  it('fills a key written with no value, and takes the first key off a step’s dash line', () => {
    expect(write('flow: a\ntrigger:\nsteps:\n  - wait: 1d\n', { op: 'set', path: ['trigger', 'event'], value: 'x' })).toBe(
      'flow: a\ntrigger:\n  event: x\nsteps:\n  - wait: 1d\n',
    );
    expect(write(FLOW, { op: 'delete', path: ['steps', 0, 'id'] })).toContain(
      '  # the welcome\n  - send_email:\n      destination: sailthru\n',
    );
  });

  it('follows a file written with 4 spaces and unindented lists', () => {
    const four =
      'flow: four\ntrigger:\n    event: a\nsteps:\n-   wait: 1d\n-   check:\n        if: { event.x: { eq: 1 } }\n        then:\n        -   wait: 2d\n';
    const text = write(four, {
      op: 'addStep',
      step: { send_email: { destination: 'sailthru', template: 't' } },
      where: { into: '#2', branch: 'else' },
    });
    expect(text).toBe(`${four}        else:\n        - send_email:\n              destination: sailthru\n              template: t\n`);
    expect(parse(text)).toEqual({
      ...(parse(four) as object),
      steps: [
        { wait: '1d' },
        {
          check: {
            if: { 'event.x': { eq: 1 } },
            then: [{ wait: '2d' }],
            else: [{ send_email: { destination: 'sailthru', template: 't' } }],
          },
        },
      ],
    });
  });

  it('adds a step to an empty step list with top: 0, and empties a list to []', () => {
    const empty = 'flow: e\ntrigger: { event: a }\nsteps: []\n';
    expect(write(empty, { op: 'addStep', step: { wait: '1d' }, where: { top: 0 } })).toBe(
      'flow: e\ntrigger: { event: a }\nsteps:\n  - wait: 1d\n',
    );
    expect(write(FLOW, { op: 'removeStep', step: '#3.then.1' })).toContain('      then: []\n');
  });

  it('sets the kind of a one-value step, a key of the step map, and gives a bare exit an id', () => {
    expect(write(FLOW, { op: 'setStep', step: '#2', key: 'id', value: 'pause' })).toContain('  - wait: 1d\n    id: pause\n');
    const exit = 'flow: x\ntrigger: { event: a }\nsteps:\n  - wait: 1d\n  - exit\n';
    expect(write(exit, { op: 'setStep', step: '#2', key: 'id', value: 'bye' })).toBe(
      'flow: x\ntrigger: { event: a }\nsteps:\n  - wait: 1d\n  - exit: null\n    id: bye\n',
    );
  });

  it('inserts into and deletes from any list or map', () => {
    const split =
      'flow: s\ntrigger: { event: a }\nsteps:\n  - split:\n      - percent: 50\n        steps: []\n      - percent: 50  # half\n        steps: [exit]\n';
    const text = write(split, { op: 'insert', path: ['steps', 0, 'split'], index: 2, value: { percent: 0, steps: [] } });
    expect(text).toBe(`${split}      - percent: 0\n        steps: []\n`);
    expect(write(split, { op: 'delete', path: ['steps', 0, 'split', 0] })).toBe(
      'flow: s\ntrigger: { event: a }\nsteps:\n  - split:\n      - percent: 50  # half\n        steps: [exit]\n',
    );
    expect(write(FLOW, { op: 'delete', path: ['steps', 0, 'send_email', 'vars', 'first_name'] })).toContain('vars: {}');
  });

  it('takes a step as YAML text, keeping its comments and layout', () => {
    const text = write(FLOW, {
      op: 'addStep',
      step: '# a reminder\nsend_email:\n  destination: sailthru   # the ESP\n  template: reminder\n',
      where: { after: '#2' },
    });
    expect(text).toContain(
      '  - wait: 1d\n  # a reminder\n  - send_email:\n      destination: sailthru   # the ESP\n      template: reminder\n  - check:',
    );
  });

  it('writes nothing when nothing changes', () => {
    expect(applyEdit(FLOW, { op: 'moveStep', step: '#2', where: { after: 'welcome' } })).toEqual({ ok: true, text: FLOW });
    expect(applyEdit(FLOW, { op: 'setStep', step: '#2', key: 'wait', value: '1d' })).toEqual({ ok: true, text: FLOW });
  });
});
