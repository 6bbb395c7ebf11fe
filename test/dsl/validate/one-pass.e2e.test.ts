import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { loadConfig } from '../../../dsl/load/config.ts';
import { checkFlow } from '../../../dsl/validate/validate.ts';
import { markedFindings, reportedFindings } from '../../helpers/markers.ts';
import { scratchRepo } from '../../helpers/scratch-repo.ts';

const config = loadConfig('flows.config.yaml').config;

/**
 * Files with several independent mistakes from different passes (schema, semantic rules, config).
 * `#!` marks every finding expected, and only those: each mistake once, no finding caused by another.
 */
const CASES: Record<string, string> = {
  // The two of the issue: a template error inside a misspelt step, split percents beside an unknown key.
  'schema and rule findings side by side': `
flow: welcome
trigger: { evnt: sign_up }              #! unknown-property
steps:
  - send_emial:                         #! unknown-step-kind
      destination: sailthru
      template: welcome
      vars:
        name: "{{ profile.attributes.FirstName "   #! template-syntax
  - split:                              #! split-percent
      - { percent: 60, steps: [], lable: a }   #! unknown-property
      - { percent: 30, steps: [] }
  - wait_until: { time: "9am", timezone: Mars/Olympus_Mons }   #! wait-until time-zone
  - check:
      if: { profile.atributes.tier: { equals: gold } }   #! condition-field unknown-operator
      then: [ exit ]
`,
  // Typos inside typos: each key is read as it surely means, and what it holds is checked as that.
  'a misspelt step checked as the kind it means': `
flow: b
trigger: { event: sign_up }
steps:
  - wiat_for:                   #! unknown-step-kind wait-for-timeout
      event: app_open
      than:                     #! unknown-property
        - send_pussh:           #! unknown-step-kind
            destination: moengage   #! destination-capability
            body: "Hi {{ user.name }}"   #! template-root
`,
  // Rules meet text where a map belongs and lists where a duration belongs: they judge the rest.
  'malformed shapes: the rules check what is left': `
flow: c
trigger: sign_up                #! wrong-type
exit_when: purchase             #! wrong-type
steps:
  - split: { percent: 50 }      #! wrong-type
  - set_var: { destination: sailthru, vars: stage }   #! wrong-type
  - wait: 0s                    #! duration
  - check:
      if: { vars.stage: { eq: done } }
      then: [ exit ]
      else: [ exit ]
  - wait: [ 1d ]                #! duration unreachable-step
`,
  // Where the schema and a rule see the same mistake, the schema's finding alone is shown.
  'one mistake, one finding': `
flow: d
trigger: { event: a }
steps:
  - split:
      - { percent: 50, steps: [] }   #! invalid-value
  - send_email: { destination: sailthru, tempalte: hi }   #! unknown-property
  - exti                        #! unknown-step-kind
  - foo: bar                    #! unknown-step-kind
`,
};

describe('flows validate reports every mistake of a file in one run', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(name, () => {
      const { diagnostics, ir } = checkFlow('flow.yaml', text, config);
      expect(reportedFindings(diagnostics)).toEqual(markedFindings(text));
      expect(ir).toBeUndefined();
    });
  }

  it('says what the schema and the rules say, with their hints', () => {
    const found = checkFlow('flow.yaml', CASES['schema and rule findings side by side']!, config).diagnostics;
    const by = (rule: string) => found.filter((d) => d.rule === rule);
    expect(by('unknown-step-kind')[0]!.hint).toBe("did you mean 'send_email'?");
    expect(by('split-percent')[0]!).toMatchObject({ message: 'split percents add up to 90, not 100', hint: 'add 10 to a branch' });
    expect(by('unknown-operator')[0]!.hint).toBe("did you mean 'eq'?");
    // The misspelt trigger key is read as `event`: no "the trigger says nothing" beside it.
    expect(by('trigger-kind')).toEqual([]);
  });

  it('reads a key as meant only when one key is clearly meant', () => {
    // `st` is as near to `id` as to nothing else a step has: a step of only an id would be a guess.
    const text = 'flow: e\ntrigger: { event: a }\nsteps:\n  - st: { destination: sailthru }\n';
    expect(reportedFindings(checkFlow('flow.yaml', text, config).diagnostics)).toEqual(['4 unknown-step-kind']);
  });

  it('prints each finding once at its file:line:column', async () => {
    const dir = scratchRepo(CONFIG_OK, { 'a.yaml': CASES['schema and rule findings side by side']!.replace(/ +#!.*$/gm, '') });
    const r = await flows(dir, 'validate', '--format', 'json');
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as Row[]).map(place)).toEqual([
      'flows/a.yaml:3:12 unknown-property',
      'flows/a.yaml:5:5 unknown-step-kind',
      'flows/a.yaml:9:15 template-syntax',
      'flows/a.yaml:10:5 split-percent',
      'flows/a.yaml:11:35 unknown-property',
      'flows/a.yaml:13:25 wait-until',
      'flows/a.yaml:13:42 time-zone',
      'flows/a.yaml:15:13 condition-field',
      'flows/a.yaml:15:39 unknown-operator',
    ]);
  });
});

const CONFIG_OK = 'destinations:\n  sailthru: { type: sailthru, api_key: "${K}", api_secret: "${S}" }\n';

const CONFIG_BAD = `destinations:
  sailthru:
    type: sailthru
    api_key: \${K}
    api_secret: hunter2
    region: eu
  hooks:
    type: webhook
    headers:
      X-Team: growth
  legacy:
    type: sailthroo
`;

const FLOW = `flow: f
trigger: { event: a }
steps:
  - send_email: { destination: sailthru, template: hi }
  - webhook: { destination: hooks, url: "https://hooks.example.com/x" }
  - send_email: { destination: legacy, template: hi }
  - send_email: { destination: sailthur, template: hi }
`;

describe('a config with mistakes', () => {
  it('reports its own mistakes, all of them, and does not make every flow name an undefined destination', async () => {
    const r = await flows(scratchRepo(CONFIG_BAD, { 'f.yaml': FLOW }), 'validate', '--format', 'json');
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as Row[]).map(place)).toEqual([
      'flows.config.yaml:5:17 literal-secret',
      'flows.config.yaml:6:5 unknown-property',
      'flows.config.yaml:9:5 webhook-allowed-hosts',
      'flows.config.yaml:12:11 unknown-value',
      'flows/f.yaml:7:32 unknown-destination',
    ]);
    expect(r.out).not.toContain('hunter2');
  });
});

interface Row {
  file: string;
  line: number;
  column: number;
  rule: string;
}

const place = (d: Row): string => `${d.file}:${d.line}:${d.column} ${d.rule}`;

async function flows(cwd: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { cwd, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}
