import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../dsl/load/config.ts';
import { checkFlow } from '../../../dsl/validate/validate.ts';
import { markedFindings, reportedFindings } from '../../helpers/markers.ts';

const config = loadConfig('flows.config.yaml').config;

/** Each case is a flow with one kind of mistake; `#!` marks the line every finding must name. */
const CASES: Record<string, string> = {
  'yaml-syntax': `
flow: t
trigger:
  event: sign_up
steps:
  - wait: "1d           #! yaml-syntax
`,
  'duplicate-key': `
flow: t
trigger:
  event: sign_up
steps:
  - wait: 1d
steps:                  #! duplicate-key
  - exit
`,
  'one-flow-per-file': `
flow: t
trigger: { event: a }
steps: [ { wait: 1d } ]
---                     #! one-flow-per-file
flow: u
`,
  'unknown-step-kind (map)': `
flow: t
trigger: { event: sign_up }
steps:
  - send_emial: { destination: sailthru, template: welcome }   #! unknown-step-kind
`,
  'unknown-step-kind (word)': `
flow: t
trigger: { event: sign_up }
steps:
  - wait: 1d
  - exti                #! unknown-step-kind
`,
  'unknown-operator': `
flow: t
trigger:
  event: sign_up
  where:
    event.attributes.plan: { equals: pro }   #! unknown-operator
steps: [ exit ]
`,
  'unknown-property': `
flow: t
trigger: { event: sign_up }
steps:
  - wait_for:
      event: app_open
      timeout: 1d
      than: [ exit ]    #! unknown-property
`,
  'missing-property': `
flow: t
trigger: { event: sign_up }
steps:
  - send_email: { destination: sailthru }   #! missing-property
`,
  'wrong-type': `
flow: t
trigger: { event: sign_up }
steps: wait 1d          #! wrong-type
`,
  'invalid-value': `
flow: t
trigger: { event: sign_up }
steps:
  - split:
      - { percent: 100, steps: [] }
      - { percent: 0, steps: [] }   #! invalid-value
`,
  'unknown-value': `
flow: t
trigger: { event: sign_up }
steps:
  - webhook: { url: "https://example.com", method: FETCH }   #! unknown-value
`,
  entry: `
flow: t
trigger: { event: sign_up }
entry:
  reentry: after_exti   #! entry
steps: [ exit ]
`,
  'entry (frequency with never)': `
flow: t
trigger: { event: sign_up }
entry:
  reentry: never
  frequency: { max: 1, per: 7d }   #! entry
steps: [ exit ]
`,
  status: `
flow: t
status: live            #! status
trigger: { event: sign_up }
steps: [ exit ]
`,
  'flow-id': `
flow: Welcome_Series    #! flow-id
trigger: { event: sign_up }
steps: [ exit ]
`,
  'step-id': `
flow: t
trigger: { event: sign_up }
steps:
  - id: Welcome Email   #! step-id
    send_email: { destination: sailthru, template: welcome }
`,
  'duration (form)': `
flow: t
trigger: { event: sign_up }
steps:
  - wait: 3 days        #! duration
`,
  'duration (zero)': `
flow: t
trigger: { event: sign_up }
steps:
  - wait: 0s            #! duration
`,
  'duration (over a year)': `
flow: t
trigger: { event: sign_up }
steps:
  - wait: 400d          #! duration
`,
  'duration (within_last)': `
flow: t
trigger:
  event: sign_up
  where:
    profile.attributes.last_seen: { within_last: 7 days }   #! duration
steps: [ exit ]
`,
  'wait-for-timeout': `
flow: t
trigger: { event: sign_up }
steps:
  - wait_for:           #! wait-for-timeout
      event: app_open
      then: [ exit ]
`,
  'wait-until': `
flow: t
trigger: { event: sign_up }
steps:
  - wait_until: { time: "9am" }   #! wait-until
`,
  'time-zone': `
flow: t
trigger: { event: sign_up }
steps:
  - wait_until:
      time: "09:00"
      timezone: Mars/Olympus_Mons   #! time-zone
`,
  'trigger-kind': `
flow: t
trigger:
  event: sign_up
  audience: { name: VIP }   #! trigger-kind
steps: [ exit ]
`,
  'audience-trigger': `
flow: t
trigger:
  audience: { on: added }   #! audience-trigger
steps: [ exit ]
`,
  'trigger-schedule (bad schedule text)': `
flow: t
trigger:
  audience: vip
  schedule: "mondays at 10am"   #! trigger-schedule
steps: [ exit ]
`,
  'trigger-schedule (no audience, enter without schedule)': `
flow: t
trigger:
  event: sign_up
  enter: all            #! trigger-schedule
steps: [ exit ]
`,
  'trigger-date (field not under profile.)': `
flow: t
trigger:
  date: event.attributes.birthday   #! trigger-date
steps: [ exit ]
`,
  'trigger-date (bad at)': `
flow: t
trigger:
  date: profile.attributes.birthday
  anniversary: true
  at: "9am"             #! trigger-date
steps: [ exit ]
`,
  'step-kind (none)': `
flow: t
trigger: { event: sign_up }
steps:
  - id: lonely          #! step-kind
`,
  'step-kind (two)': `
flow: t
trigger: { event: sign_up }
steps:
  - wait: 1d
    exit:               #! step-kind
`,
  'duplicate-step-id': `
flow: t
trigger: { event: sign_up }
steps:
  - id: hello
    wait: 1d
  - check:
      if: { event.name: { eq: sign_up } }
      then:
        - id: hello     #! duplicate-step-id
          wait: 2d
`,
  'split-percent': `
flow: t
trigger: { event: sign_up }
steps:
  - split:              #! split-percent
      - { percent: 60, steps: [] }
      - { percent: 30, steps: [] }
`,
  'split-percent (map form)': `
flow: t
trigger: { event: sign_up }
steps:
  - split:              #! split-percent
      branches:
        - { percent: 60, steps: [] }
        - { percent: 30, steps: [] }
`,
  'split-control (two controls)': `
flow: t
trigger: { event: sign_up }
steps:
  - split:
      - { label: a, percent: 50, steps: [] }
      - { label: hold, percent: 25, control: true, steps: [] }
      - { label: hold-too, percent: 25, control: true, steps: [] }   #! split-control
`,
  'split-control (a control that sends)': `
flow: t
trigger: { event: sign_up }
steps:
  - split:
      - label: a
        percent: 50
        steps: [ { send_email: { destination: sailthru, template: a } } ]
      - label: hold
        percent: 50
        control: true
        steps:
          - wait: 1d
          - check:
              if: { profile.attributes.tier: { eq: gold } }
              then:
                - webhook: { url: "https://hooks.example.com/x" }   #! split-control
`,
  'split-label (default labels with goals)': `
flow: t
trigger: { event: sign_up }
goals: [ { event: purchase } ]
steps:
  - split:
      - { percent: 50, steps: [] }
      - { percent: 50, steps: [] }   #! split-label
`,
  'split-label (written twice, with pick_winner)': `
flow: t
trigger: { event: sign_up }
goals: [ { event: purchase } ]
steps:
  - id: ab
    split:
      branches:
        - { label: A, percent: 40, steps: [] }
        - { label: B, percent: 40, steps: [] }
        - { label: A, percent: 20, steps: [] }   #! split-label
      pick_winner: { after: 7d, min_runs: 100, confidence: 0.95 }
`,
  'pick-winner (no goal)': `
flow: t
trigger: { event: sign_up }
steps:
  - id: ab
    split:
      branches:
        - { label: A, percent: 50, steps: [] }
        - { label: B, percent: 50, steps: [] }
      pick_winner: { after: 7d, min_runs: 100, confidence: 0.95 }   #! pick-winner
`,
  'pick-winner (one branch to compare)': `
flow: t
trigger: { event: sign_up }
goals: [ { event: purchase } ]
steps:
  - id: ab
    split:
      branches:
        - { label: A, percent: 50, steps: [] }
        - { label: hold, percent: 50, control: true, steps: [] }
      pick_winner:      #! pick-winner
        after: 7d
        min_runs: 100
        confidence: 0.95
`,
  'pick-winner (numbers and winner)': `
flow: t
trigger: { event: sign_up }
goals: [ { event: purchase } ]
steps:
  - id: ab
    split:
      branches:
        - { label: A, percent: 40, steps: [] }
        - { label: B, percent: 40, steps: [] }
        - { label: hold, percent: 20, control: true, steps: [] }
      pick_winner:
        after: 0s       #! duration
        min_runs: 2.5   #! pick-winner
        confidence: 95  #! pick-winner
        winner: b       #! pick-winner
`,
  'pick-winner (a split without its own id)': `
flow: t
trigger: { event: sign_up }
goals: [ { event: purchase } ]
steps:
  - wait: 1d
  - split:              #! pick-winner
      branches:
        - { label: A, percent: 50, steps: [] }
        - { label: B, percent: 50, steps: [] }
      pick_winner: { after: 7d, min_runs: 100, confidence: 0.95 }
`,
  'pick-winner (the control cannot win)': `
flow: t
trigger: { event: sign_up }
goals: [ { event: purchase } ]
steps:
  - id: ab
    split:
      branches:
        - { label: A, percent: 40, steps: [] }
        - { label: B, percent: 40, steps: [] }
        - { label: hold, percent: 20, control: true, steps: [] }
      pick_winner: { after: 7d, min_runs: 100, confidence: 0.5, winner: hold }   #! pick-winner pick-winner
`,
  'goal-name (twice)': `
flow: t
trigger: { event: sign_up }
goals:
  - event: purchase
  - event: purchase     #! goal-name
    where: { event.revenue: { gte: 100 } }
steps: [ exit ]
`,
  'goal-name (an event name that is no name)': `
flow: t
trigger: { event: sign_up }
goals:
  - event: Order Completed   #! goal-name
  - event: Order Completed
    name: big order!    #! goal-name
steps: [ exit ]
`,
  'goal-value': `
flow: t
trigger: { event: sign_up }
goals:
  - event: purchase
    value: profile.attributes.ltv   #! goal-value
  - event: refund
    value: event.revnue  #! goal-value
steps: [ exit ]
`,
  'goal where and within': `
flow: t
trigger: { event: sign_up }
goals:
  - event: purchase
    within: 0d          #! duration
    where:
      attributes.sku: { eq: x }   #! condition-field
steps: [ exit ]
`,
  'condition-field (root)': `
flow: t
trigger:
  event: sign_up
  where:
    attributes.plan: { eq: pro }   #! condition-field
steps: [ exit ]
`,
  'condition-field (unknown field)': `
flow: t
trigger: { event: sign_up }
steps:
  - check:
      if:
        any:
          - profile.attributes.tier: { eq: gold }
          - profile.list: { contains: vip }   #! condition-field
      then: [ exit ]
`,
  'condition-value': `
flow: t
trigger: { event: sign_up }
exit_when:
  - event: purchase
    where:
      event.attributes.sku: { matches: "(unclosed" }   #! condition-value
steps: [ { wait: 1d } ]
`,
  'condition-value (backreference, which RE2 cannot run)': `
flow: t
trigger:
  event: sign_up
  where:
    event.attributes.code: { matches: '^(\\w)\\1$' }   #! condition-value
steps: [ exit ]
`,
  'condition-value (lookahead, which RE2 cannot run)': `
flow: t
trigger:
  event: sign_up
  where:
    event.attributes.code:
      matches: '^(?=.*[0-9]).+$'   #! condition-value
steps: [ exit ]
`,
  'literal-secret (webhook header)': `
flow: t
trigger: { event: sign_up }
steps:
  - webhook:
      url: https://hooks.example.com/signed-up
      headers:
        Authorization: Bearer sk_live_abc123   #! literal-secret
        X-Api-Key: 9f86d081884c7d   #! literal-secret
        X-Signed: "Basic dXNlcjpwYXNz"   #! literal-secret
        X-User-Token: "{{ profile.attributes.token }}"
        X-Request-Source: flowline
`,
  'literal-secret (URL user-info)': `
flow: t
trigger: { event: sign_up }
steps:
  - webhook:
      url: "https://svc:pa55word@hooks.example.com/u/{{ profile.id }}"   #! literal-secret
  - webhook: { url: "https://hooks.example.com/u?email={{ profile.identities.email }}&at=a@b" }
`,
  'template-syntax': `
flow: t
trigger: { event: sign_up }
steps:
  - send_push:
      destination: clevertap
      body: "Hi {{ profile.attributes.FirstName "   #! template-syntax
`,
  'template-syntax (unknown filter)': `
flow: t
trigger: { event: sign_up }
steps:
  - send_sms:
      destination: clevertap
      body: "Hi {{ profile.attributes.FirstName | shout }}"   #! template-syntax
`,
  'template-root': `
flow: t
trigger: { event: sign_up }
steps:
  - send_email:
      destination: sailthru
      template: welcome
      vars:
        name: "{{ user.first_name }}"   #! template-root
`,
  'unknown-destination': `
flow: t
trigger: { event: sign_up }
steps:
  - send_email: { destination: sailthur, template: welcome }   #! unknown-destination
`,
  'destination-capability': `
flow: t
trigger: { event: sign_up }
steps:
  - send_email:
      destination: moengage   #! destination-capability
      template: welcome
`,
  'unreachable-step': `
flow: t
trigger: { event: sign_up }
steps:
  - wait: 1d
  - exit
  - send_email: { destination: sailthru, template: late }   #! unreachable-step
  - wait: 1d
`,
  'unreachable-step (every branch exits)': `
flow: t
trigger: { event: sign_up }
steps:
  - check:
      if: { profile.attributes.tier: { eq: gold } }
      then: [ exit ]
      else:
        - wait: 1d
        - exit
        - wait: 2d      #! unreachable-step
  - wait: 3d            #! unreachable-step
`,
  'unknown-var': `
flow: t
trigger: { event: sign_up }
steps:
  - set_var: { destination: sailthru, vars: { stage: started } }
  - check:
      if: { vars.stgae: { eq: started } }   #! unknown-var
      then: [ exit ]
`,
  'option-ignored': `
flow: t
trigger: { event: sign_up }
steps:
  - wait: 1d
    on_error: continue  #! option-ignored
`,
  'option-ignored (guardrails on a step that sends nothing)': `
flow: t
trigger: { event: sign_up }
steps:
  - webhook: { url: "https://shop.example.com/hook" }
    caps: ignore  #! option-ignored
    transactional: true  #! option-ignored
  - send_email: { destination: sailthru, template: welcome }
    caps: ignore
    quiet_hours: skip
    transactional: true
`,
  'on-error-steps': `
flow: t
trigger: { event: sign_up }
steps:
  - wait: 1d
    on_error:           #! on-error-steps
      steps: [ exit ]
  - send_email: { destination: sailthru, template: welcome }
    on_error:
      steps:
        - send_event: { destination: mparticle, event: email_failed }
`,
  'active-window (until before from)': `
flow: t
active:
  from: 2025-03-01
  until: 2025-02-01T10:00   #! active-window
trigger: { event: sign_up }
steps: [ exit ]
`,
  'active-window (not a date)': `
flow: t
status: finishing
active:
  from: 2025-02-30      #! active-window
  until: 2025-04-01
  then: stop
trigger: { event: sign_up }
steps: [ exit ]
`,
};

describe('flows validate rejects each kind of mistake at its line', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(name, () => {
      const { diagnostics, ir } = checkFlow('flow.yaml', text, config);
      expect(reportedFindings(diagnostics)).toEqual(markedFindings(text));
      const errors = diagnostics.filter((d) => d.severity === 'error');
      expect(ir === undefined).toBe(errors.length > 0);
      for (const d of diagnostics) expect(d.message.length).toBeGreaterThan(10);
    });
  }
});

describe('messages name the mistake and the fix', () => {
  const first = (text: string) => checkFlow('flow.yaml', text, config).diagnostics[0]!;

  it('suggests the step kind meant', () => {
    const d = first(CASES['unknown-step-kind (map)']!);
    expect(d.message).toContain("'send_emial'");
    expect(d.hint).toBe("did you mean 'send_email'?");
    expect([d.line, d.column]).toEqual([5, 5]);
  });

  it('suggests an operator for a spelling from another tool', () => {
    expect(first(CASES['unknown-operator']!).hint).toBe("did you mean 'eq'?");
  });

  it('suggests the destination meant and names the config file', () => {
    const d = first(CASES['unknown-destination']!);
    expect(d.message).toContain("'sailthur' is not defined in flows.config.yaml");
    expect(d.hint).toBe("did you mean 'sailthru'?");
  });

  it('says why a destination cannot do a step and which can', () => {
    const d = first(CASES['destination-capability']!);
    expect(d.message).toContain('moengage');
    expect(d.message).toContain('sends no email');
    expect(d.hint).toMatch(/sailthru, customerio/);
  });

  it('suggests the field root meant', () => {
    expect(first(CASES['condition-field (unknown field)']!).hint).toBe("did you mean 'lists'?");
  });

  it('points at the split and says how far off the percents are', () => {
    const d = first(CASES['split-percent']!);
    expect(d.message).toBe('split percents add up to 90, not 100');
    expect(d.hint).toBe('add 10 to a branch');
  });

  it('says why matches refuses a pattern RE2 cannot run, and what to write instead', () => {
    const d = first(CASES['condition-value (backreference, which RE2 cannot run)']!);
    expect(d.message).toContain("'^(\\w)\\1$'");
    expect(d.hint).toContain('backreferences');
    expect([d.line, d.column]).toEqual([6, 39]);
    expect(first(CASES['condition-value (lookahead, which RE2 cannot run)']!).hint).toContain('lookaround');
  });

  it('never repeats a literal secret, and marks the finding so the line is not printed', () => {
    const cases = ['literal-secret (webhook header)', 'literal-secret (URL user-info)'];
    const findings = cases.flatMap((c) => checkFlow('flow.yaml', CASES[c]!, config).diagnostics);
    expect(findings.map((d) => d.rule)).toEqual(['literal-secret', 'literal-secret', 'literal-secret', 'literal-secret']);
    for (const d of findings) expect(d.sensitive).toBe(true);
    expect(JSON.stringify(findings)).not.toMatch(/sk_live|9f86d0|dXNlcjpwYXNz|pa55word|svc:/);
    expect(findings[0]!.hint).toContain('flows.config.yaml');
  });

  it('names the branch a pick_winner winner surely means, and why the control cannot win', () => {
    const winners = checkFlow('flow.yaml', CASES['pick-winner (numbers and winner)']!, config).diagnostics;
    expect(winners.find((d) => d.message.includes("winner 'b'"))?.hint).toBe("did you mean 'B'?");
    const control = checkFlow('flow.yaml', CASES['pick-winner (the control cannot win)']!, config).diagnostics;
    expect(control.find((d) => d.message.includes("'hold'"))?.hint).toBe('name one of: A, B');
    expect(control.find((d) => d.message.includes('confidence'))?.message).toContain('strictly between 0.5 and 1, not 0.5');
  });

  it('says a default split label is the percent, and a goal on an odd event name needs its own name', () => {
    expect(first(CASES['split-label (default labels with goals)']!).hint).toContain('add `label:`');
    expect(first(CASES['goal-name (an event name that is no name)']!).hint).toBe(
      'add `name: Order_Completed` to this goal: without one it is named after its event',
    );
    expect(first(CASES['split-control (a control that sends)']!).message).toContain('step #1.branch2.2.then.1 (webhook)');
  });

  it('reports a zero wait as an error and a very long one only as a warning', () => {
    expect(first(CASES['duration (zero)']!).severity).toBe('error');
    expect(first(CASES['duration (over a year)']!).severity).toBe('warning');
  });
});

describe('paused and draft flows', () => {
  for (const status of ['paused', 'draft']) {
    it(`validates a ${status} flow like any other`, () => {
      const ok = checkFlow('flow.yaml', `flow: t\nstatus: ${status}\ntrigger: { event: a }\nsteps: [ { wait: 1d } ]\n`, config);
      expect(ok.diagnostics).toEqual([]);
      expect(ok.ir?.status).toBe(status);
      const bad = checkFlow('flow.yaml', `flow: t\nstatus: ${status}\ntrigger: { event: a }\nsteps: [ { wait: 0s } ]\n`, config);
      expect(reportedFindings(bad.diagnostics)).toEqual(['4 duration']);
    });
  }
});

describe('the example flows', () => {
  // Every file under flows/, read from the folder: an example added there is checked too.
  const examples = readdirSync('flows').filter((f) => f.endsWith('.yaml'));

  it('all pass', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const file of examples) {
      const path = `flows/${file}`;
      expect(checkFlow(path, readFileSync(path, 'utf8'), config).diagnostics, path).toEqual([]);
    }
  });
});
