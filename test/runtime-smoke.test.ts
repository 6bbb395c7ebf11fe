import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, harness, type Harness } from './helpers/temporal.ts';

let h: Harness;
beforeAll(async () => {
  h = await harness('time-skipping');
}, 120_000);
afterAll(async () => h?.close());

describe('smoke', () => {
  it('runs a wait 3d flow', async () => {
    const flow = compile(`flow: smoke
trigger: { event: sign_up }
steps:
  - send_email: { destination: sailthru, template: "welcome" }
  - wait: 3d
  - send_email: { destination: sailthru, template: "day-3" }
`);
    const started = await h.start(flow, 'u1', { name: 'sign_up' });
    expect(started.started).toBe(true);
    const result = await h.env.client.workflow.getHandle(started.workflowId).result();
    expect(result.outcome).toBe('completed');
    expect(h.calls().map((c) => (c.call as any).template)).toEqual(['welcome', 'day-3']);
  });
});
