import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../cli/main.ts';
import { flows } from '../helpers/cli.ts';
import { harness, type Harness } from '../helpers/temporal.ts';

describe('every command answers --help', () => {
  it.each(COMMAND_NAMES)('flows %s --help prints its usage and exits 0', async (name) => {
    const r = await flows({}, name, '--help');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`usage: flows ${name}`);
  });
});

describe('flows simulate says first whether ingest would start the run', () => {
  it('refuses an event the trigger filter rejects, naming the filter', async () => {
    const r = await flows(
      {},
      'simulate',
      'flows/sailthru-welcome-series.yaml',
      '--event',
      '{"name":"sign_up","attributes":{"plan":"free"}}',
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain("would not start: the trigger's filter does not hold: where plan is one of pro, team");
    expect(r.out).not.toContain('calls the run made');
  }, 30_000);

  it('refuses an event that is not the trigger', async () => {
    const r = await flows({}, 'simulate', 'flows/sailthru-welcome-series.yaml', '--event', 'app_open');
    expect(r.code).toBe(1);
    expect(r.out).toContain("would not start: the event 'app_open' does not trigger this flow (trigger: event: sign_up)");
  }, 30_000);

  it('--force simulates anyway and says so', async () => {
    const r = await flows(
      {},
      'simulate',
      'flows/sailthru-welcome-series.yaml',
      '--force',
      '--event',
      '{"name":"sign_up","attributes":{"plan":"free"}}',
      '--profile',
      '{"identities":{"email":"ada@example.com"}}',
    );
    expect(r.out).toContain("--force: started although ingest would not start it: the trigger's filter does not hold");
    expect(r.out).toContain('send_email → sailthru');
    expect(r.code).toBe(0);
  }, 60_000);

  it('fails a step where the real client would: no email identity for Sailthru', async () => {
    const r = await flows(
      {},
      'simulate',
      'flows/sailthru-welcome-series.yaml',
      '--event',
      '{"name":"sign_up","attributes":{"plan":"pro"}}',
    );
    expect(r.out).toContain('would start: the trigger matches');
    expect(r.out).toMatch(/FAILED: .*has no email identity/);
    expect(r.out).toMatch(/outcome: failed after .*: step welcome-email failed: .*has no email identity/);
    expect(r.code).toBe(1);
  }, 60_000);
});

describe('flows run and flows status against a real Temporal server', () => {
  let h: Harness;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await harness('dev', { destinations: 'fake' });
    env = { TEMPORAL_ADDRESS: h.env.address, FLOWLINE_DATA_DIR: mkdtempSync(join(tmpdir(), 'cli-truth-')) };
  }, 60_000);
  afterAll(() => h?.close());

  it('flows run applies the trigger filter; --force skips it and says so', async () => {
    const refused = await flows(
      env,
      'run',
      'flows/sailthru-welcome-series.yaml',
      '--user',
      'run-free',
      '--event',
      '{"name":"sign_up","attributes":{"plan":"free"}}',
    );
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("not started: the trigger's filter does not hold: where plan is one of pro, team");
    expect(refused.out).toContain('--force');
    const forced = await flows(
      env,
      'run',
      'flows/sailthru-welcome-series.yaml',
      '--user',
      'run-free',
      '--force',
      '--event',
      '{"name":"sign_up","attributes":{"plan":"free"}}',
    );
    expect(forced.out).toContain('--force: started although ingest would not start it');
    expect(forced.out).toMatch(/started flow\/sailthru-welcome-series\/run-free /);
    expect(forced.code).toBe(0);
  });

  it('flows status names the step a failed run stopped at and why it failed', async () => {
    const started = await flows(
      env,
      'run',
      'flows/sailthru-welcome-series.yaml',
      '--user',
      'no-email',
      '--event',
      '{"name":"sign_up","attributes":{"plan":"pro"}}',
    );
    expect(started.code).toBe(0);
    await expect
      .poll(async () => (await flows(env, 'status', '--all', '--flow', 'sailthru-welcome-series')).out, { timeout: 30_000 })
      .toMatch(/sailthru-welcome-series +no-email +FAILED +welcome-email/);
    const status = await flows(env, 'status', '--all', '--flow', 'sailthru-welcome-series');
    expect(status.out).toContain('why runs failed:');
    expect(status.out).toMatch(/flow\/sailthru-welcome-series\/no-email: step welcome-email failed: .*no email identity/);
  }, 60_000);
});
