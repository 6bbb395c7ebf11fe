import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devServerEnvironment } from '../../dev/test-environments.ts';
import { checkProject } from '../../dsl/load/project.ts';
import { flows } from '../helpers/cli.ts';
import { startFlowsProcess } from '../helpers/flows-process.ts';

let env: TestWorkflowEnvironment;
let serverStopped = false;
beforeAll(async () => {
  env = await devServerEnvironment();
}, 60_000);
afterAll(async () => {
  if (!serverStopped) await env?.teardown();
});

describe('flows studio', () => {
  it('serves every flow of the repository against the Temporal address given, and stops on Ctrl-C', async () => {
    const data = mkdtempSync(join(tmpdir(), 'studio-cli-'));
    const studio = await startFlowsProcess(['studio', '--port', '0', '--temporal', env.address, '--data', data], {
      cwd: process.cwd(),
      env: { FLOWLINE_STUDIO_TOKEN: '' },
      ready: 'Flow Studio on',
    });
    try {
      const url = /Flow Studio on (http:\/\/127\.0\.0\.1:\d+)/.exec(studio.output())![1]!;
      expect(studio.output()).toContain(`(Temporal ${env.address}, namespace default)`);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      type Row = { id: string; version: string; now: number; entered: number };
      const body = (await (await fetch(`${url}/api/flows?window=all`)).json()) as { flows: Row[] };
      const repo = checkProject().flows;
      expect(body.flows.map((f) => f.id)).toEqual(repo.map((f) => f.flow));
      expect(body.flows.map((f) => f.version)).toEqual(repo.map((f) => f.version));
      expect(body.flows.every((f) => f.now === 0 && f.entered === 0)).toBe(true);
      expect((await fetch(`${url}/api/flows/no-such-flow/numbers`)).status).toBe(404);
    } finally {
      await studio.stop();
    }
    expect(studio.child.exitCode).toBe(0);
  }, 60_000);

  it('starts without Temporal (editing needs only the repository), says where it looked, and its numbers say runs now are unknown', async () => {
    const data = mkdtempSync(join(tmpdir(), 'studio-cli-'));
    const studio = await startFlowsProcess(['studio', '--port', '0', '--temporal', '127.0.0.1:1', '--data', data], {
      cwd: process.cwd(),
      env: { FLOWLINE_STUDIO_TOKEN: '' },
      ready: 'Flow Studio on',
    });
    try {
      expect(studio.output()).toContain('flows studio: cannot reach Temporal at 127.0.0.1:1');
      expect(studio.output()).toContain('(Temporal 127.0.0.1:1 (not answering yet), namespace default)');
      const url = /Flow Studio on (http:\/\/127\.0\.0\.1:\d+)/.exec(studio.output())![1]!;
      const body = (await (await fetch(`${url}/api/flows`)).json()) as { flows: Array<{ now: number | null }> };
      expect(body.flows.length).toBeGreaterThan(0);
      expect(body.flows.every((f) => f.now === null)).toBe(true);
      const session = (await (await fetch(`${url}/api/session`)).json()) as { readOnly: boolean; git: boolean };
      expect(session).toMatchObject({ readOnly: false, git: true });
      expect((await fetch(`${url}/api/edit/birthday-greeting`)).status).toBe(200);
    } finally {
      await studio.stop();
    }
  }, 60_000);

  it('--read-only serves the viewer alone', async () => {
    const data = mkdtempSync(join(tmpdir(), 'studio-cli-'));
    const studio = await startFlowsProcess(['studio', '--read-only', '--port', '0', '--temporal', env.address, '--data', data], {
      cwd: process.cwd(),
      env: { FLOWLINE_STUDIO_TOKEN: '' },
      ready: 'Flow Studio on',
    });
    try {
      expect(studio.output()).toContain(', read-only)');
      const url = /Flow Studio on (http:\/\/127\.0\.0\.1:\d+)/.exec(studio.output())![1]!;
      expect(((await (await fetch(`${url}/api/session`)).json()) as { readOnly: boolean }).readOnly).toBe(true);
      expect((await fetch(`${url}/api/edit/birthday-greeting`)).status).toBe(404);
    } finally {
      await studio.stop();
    }
  }, 60_000);

  it('refuses to serve beyond loopback without FLOWLINE_STUDIO_TOKEN', async () => {
    const r = await flows({ FLOWLINE_STUDIO_TOKEN: '' }, 'studio', '--host', '0.0.0.0', '--temporal', env.address);
    expect(r.code).toBe(1);
    expect(r.err).toContain('set FLOWLINE_STUDIO_TOKEN to a secret first');
  });
});

describe('flows studio with Temporal gone', () => {
  it("still shows the log's numbers, and says the runs now are unknown", async () => {
    const data = mkdtempSync(join(tmpdir(), 'studio-cli-'));
    const studio = await startFlowsProcess(['studio', '--port', '0', '--temporal', env.address, '--data', data], {
      cwd: process.cwd(),
      env: { FLOWLINE_STUDIO_TOKEN: '' },
      ready: 'Flow Studio on',
    });
    try {
      const url = /Flow Studio on (http:\/\/127\.0\.0\.1:\d+)/.exec(studio.output())![1]!;
      await env.teardown();
      serverStopped = true;
      const flowsPage = await fetch(`${url}/api/flows`);
      expect(flowsPage.status).toBe(200);
      const body = (await flowsPage.json()) as { flows: Array<{ now: number | null; entered: number }> };
      expect(body.flows.every((f) => f.now === null && f.entered === 0)).toBe(true);
      const answer = await fetch(`${url}/api/flows/sailthru-welcome-series/numbers`);
      const numbers = (await answer.json()) as { problem?: string; flow: Record<string, number> };
      expect(numbers.problem).toContain('Temporal visibility did not answer');
      expect(numbers.flow).toEqual({ entered: 0, completed: 0, exited: 0, failed: 0 });
    } finally {
      await studio.stop();
    }
  }, 60_000);
});
