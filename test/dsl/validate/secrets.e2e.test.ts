import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { scratchRepo } from '../../helpers/scratch-repo.ts';

/** Every secret written into the files below; none may appear in anything `flows validate` prints. */
const SECRETS = ['Hunt3rPass', 'proxy-user', 'cfgSecretValue1', 'FlowUrlPass', 'FlowHeaderKey42', 'YmFzaWNjcmVkcw'];

const CONFIG = `destinations:
  sailthru:
    type: sailthru
    api_key: \${SAILTHRU_API_KEY}
    api_secret: \${SAILTHRU_API_SECRET}
    base_url: https://proxy-user:Hunt3rPass@proxy.example.com
  hooks:
    type: webhook
    headers:
      Authorization: Bearer cfgSecretValue1
      X-Team: growth
    allowed_hosts: [hooks.example.com]
`;

const FLOW = `flow: leaky
trigger: { event: sign_up }
steps:
  - webhook:
      destination: hooks
      url: "https://svc:FlowUrlPass@hooks.example.com/u/{{ profile.id }}"
      headers:
        X-Api-Key: FlowHeaderKey42
        X-Forward: Basic YmFzaWNjcmVkcw
        X-Trace: "{{ event.id }}"
`;

async function validate(format: string) {
  let out = '';
  let err = '';
  const cwd = scratchRepo(CONFIG, { 'leaky.yaml': FLOW });
  const code = await main(['validate', '--format', format], { cwd, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('flows validate and literal secrets', () => {
  it('reports each literal credential at its place, in flow files and in the config', async () => {
    const r = await validate('json');
    expect(r.code).toBe(1);
    const rows = JSON.parse(r.out) as Array<{ file: string; line: number; column: number; rule: string; message: string; hint?: string }>;
    expect(rows.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`)).toEqual([
      'flows.config.yaml:6:15 literal-secret',
      'flows.config.yaml:10:22 literal-secret',
      'flows/leaky.yaml:6:12 literal-secret',
      'flows/leaky.yaml:8:20 literal-secret',
      'flows/leaky.yaml:9:20 literal-secret',
    ]);
    for (const d of rows) expect(d.hint).toMatch(/\$\{[A-Z_]+\}/);
  });

  for (const format of ['text', 'json', 'github']) {
    it(`never prints a secret in the ${format} format`, async () => {
      const r = await validate(format);
      expect(r.code).toBe(1);
      expect(r.out).toContain('literal');
      for (const secret of SECRETS) expect(r.out + r.err, secret).not.toContain(secret);
    });
  }

  it('shows the offending line with its value masked in the text format', async () => {
    const r = await validate('text');
    expect(r.out).toContain('    6 |     base_url: ********');
    expect(r.out).toContain('    8 |         X-Api-Key: ********');
  });
});
