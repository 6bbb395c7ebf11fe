import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../dsl/load/config.ts';
import { markedFindings, reportedFindings } from '../../helpers/markers.ts';

const CASES: Record<string, string> = {
  'literal-secret': `
destinations:
  sailthru:
    type: sailthru
    api_key: \${SAILTHRU_API_KEY}
    api_secret: 9f86d081884c7d659a2f   #! literal-secret
`,
  'literal-secret (webhook header)': `
destinations:
  hooks:
    type: webhook
    headers:
      Authorization: Bearer abc123secret   #! literal-secret
    allowed_hosts: [hooks.example.com]
`,
  'webhook-allowed-hosts': `
destinations:
  hooks:
    type: webhook
    headers:            #! webhook-allowed-hosts
      Authorization: Bearer \${HOOKS_TOKEN}
  open:
    type: webhook
    allowed_hosts: [hooks.example.com]
  plain:
    type: webhook
    headers: {}
`,
  'rate-limit': `
destinations:
  moengage:
    type: moengage
    data_center: DC-01
    app_id: APP1
    api_key: \${MOENGAGE_API_KEY}
    rate_limit: 15000 per minute   #! rate-limit
`,
  'unknown-value (type)': `
destinations:
  sailthru:
    type: sailthroo     #! unknown-value
`,
  'unknown-value (region)': `
destinations:
  clevertap:
    type: clevertap
    region: europe      #! unknown-value
    account_id: ABC
    passcode: \${CLEVERTAP_PASSCODE}
`,
  'unknown-property': `
destinations:
  sailthru:
    type: sailthru
    api_key: \${SAILTHRU_API_KEY}
    api_secret: \${SAILTHRU_API_SECRET}
    apikey: \${OTHER}   #! unknown-property
`,
  'missing-property': `
destinations:
  sailthru:             #! missing-property
    type: sailthru
    api_key: \${SAILTHRU_API_KEY}
`,
  'time-zone': `
timezone: Europe/Lonodn   #! time-zone
destinations: {}
`,
};

describe('flows.config.yaml mistakes are reported at their line', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(name, () => {
      const { diagnostics } = loadConfig('flows.config.yaml', text);
      expect(reportedFindings(diagnostics)).toEqual(markedFindings(text));
    });
  }

  it('names the variable to use instead of a literal secret, without repeating the secret', () => {
    const [d] = loadConfig('flows.config.yaml', CASES['literal-secret']!).diagnostics;
    expect(d!.hint).toContain('${API_SECRET}');
    expect(JSON.stringify(d)).not.toContain('9f86d081884c7d659a2f');
    expect(d!.sensitive).toBe(true);
  });

  it('says a webhook destination with headers calls no host until it lists allowed_hosts', () => {
    const [d] = loadConfig('flows.config.yaml', CASES['webhook-allowed-hosts']!).diagnostics;
    expect(d).toMatchObject({ severity: 'error', line: 5, column: 5 });
    expect(d!.message).toBe(
      "webhook destination 'hooks' has headers but no allowed_hosts, so it calls no host: every step through it would fail",
    );
    expect(d!.hint).toContain('allowed_hosts: [hooks.example.com]');
  });

  it('reports every mistake of one destination, beside a literal secret', () => {
    const text = 'destinations:\n  st:\n    type: sailthru\n    api_key: ${K}\n    api_secret: hunter2\n    regoin: eu\n';
    expect(reportedFindings(loadConfig('flows.config.yaml', text).diagnostics)).toEqual(['5 literal-secret', '6 unknown-property']);
  });

  it('suggests the destination type meant', () => {
    const [d] = loadConfig('flows.config.yaml', CASES['unknown-value (type)']!).diagnostics;
    expect(d!.hint).toBe("did you mean 'sailthru'?");
  });

  it('accepts the repository config, whose credentials are all references', () => {
    expect(loadConfig('flows.config.yaml').diagnostics).toEqual([]);
  });
});
