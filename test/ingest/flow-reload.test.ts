import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import type { Diagnostic } from '../../dsl/parse/diagnostics.ts';
import { watchFlows } from '../../ingest/flow-registry.ts';

it('ingest reloads flows when a file changes, and keeps the previous ones when an edit does not validate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reload-'));
  mkdirSync(join(dir, 'flows'));
  copyFileSync('flows.config.yaml', join(dir, 'flows.config.yaml'));
  const file = join(dir, 'flows', 'drip.yaml');
  const write = (template: string) =>
    writeFileSync(
      file,
      `flow: drip\ntrigger: { event: sign_up }\nsteps:\n  - send_email: { destination: sailthru, template: ${template} }\n`,
    );
  write('v1');
  const invalid: Diagnostic[][] = [];
  const registry = watchFlows({ cwd: dir, onInvalid: (d) => invalid.push(d) });
  try {
    const template = () => (registry.current()[0]!.steps[0] as { template: string }).template;
    expect(template()).toBe('v1');
    write('v2');
    await expect.poll(template, { timeout: 5_000 }).toBe('v2');
    writeFileSync(file, 'flow: drip\ntrigger: { event: sign_up }\nsteps:\n  - send_emial: { destination: sailthru, template: v3 }\n');
    await expect.poll(() => invalid.length, { timeout: 5_000 }).toBe(1);
    expect(invalid[0]![0]!.rule).toBe('unknown-step-kind');
    expect(template()).toBe('v2');
  } finally {
    registry.close();
  }
});

it('flows ingest will not start without the key and secret senders authenticate with', async () => {
  const saved = { key: process.env.FLOWLINE_INGEST_KEY, secret: process.env.FLOWLINE_INGEST_SECRET };
  delete process.env.FLOWLINE_INGEST_KEY;
  delete process.env.FLOWLINE_INGEST_SECRET;
  let err = '';
  try {
    const code = await main(['ingest'], { cwd: process.cwd(), out: () => {}, err: (t) => (err += t) });
    expect(code).toBe(1);
    expect(err).toContain('set FLOWLINE_INGEST_KEY and FLOWLINE_INGEST_SECRET');
  } finally {
    if (saved.key !== undefined) process.env.FLOWLINE_INGEST_KEY = saved.key;
    if (saved.secret !== undefined) process.env.FLOWLINE_INGEST_SECRET = saved.secret;
  }
});
