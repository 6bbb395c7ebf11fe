import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStepLog } from '../../store/file-step-log.ts';
import { stateQuery } from '../../workflows/messages.ts';
import { configWith } from '../helpers/config-with.ts';
import { compile, harness } from '../helpers/temporal.ts';

const SUPPRESS = 'suppress: { profile.attributes.unsubscribed: { eq: true } }';

describe('suppress in flows.config.yaml', () => {
  it('compiles the condition, and refuses one on anything but the profile or with a bad operand', () => {
    const { config, diagnostics } = configWith(SUPPRESS);
    expect(diagnostics).toEqual([]);
    expect(config.guardrails?.suppress).toEqual({ field: ['profile', 'attributes', 'unsubscribed'], op: 'eq', value: true });
    const bad = configWith(
      'suppress: { event.name: { eq: x }, profile.attributes.email: { matches: "(" }, profile.atributes.x: { exists: true } }',
    );
    expect(bad.diagnostics.map((d) => d.rule)).toEqual(['condition-field', 'condition-value', 'condition-field']);
    expect(bad.diagnostics[0]!.message).toBe("suppress reads the profile only, not 'event.name'");
    expect(bad.diagnostics[2]!.hint).toBe("did you mean 'attributes'?");
    expect(configWith('suppress: { profile.attributes.x: { equals: true } }').diagnostics.map((d) => d.rule)).toEqual(['unknown-operator']);
  });
});

describe('suppression on the real stack', () => {
  it('an unsubscribed user gets the transactional send only; a subscribed one gets both; webhooks are not marketing sends', async () => {
    const { config } = configWith(SUPPRESS);
    const log = new FileStepLog(mkdtempSync(join(tmpdir(), 'suppress-log-')));
    const h = await harness('dev', { config, stepLog: log });
    try {
      const flow = compile(
        `
flow: order-mails
trigger: { event: order }
steps:
  - send_email: { destination: sailthru, template: newsletter }
    id: newsletter
  - send_email: { destination: sailthru, template: receipt }
    id: receipt
    transactional: true
  - send_event: { destination: mparticle, event: mailed }
    id: tracked
`,
        config,
      );
      await h.profiles.update('gone', (p) => void (p.attributes.unsubscribed = true));
      await h.profiles.update('here', (p) => void (p.attributes.unsubscribed = false));
      const handles = [];
      for (const user of ['gone', 'here']) {
        const started = await h.start(flow, user, { name: 'order' });
        handles.push(h.env.client.workflow.getHandle(started.workflowId));
      }
      for (const handle of handles) expect(await handle.result()).toMatchObject({ outcome: 'completed' });
      const sent = (user: string) =>
        h
          .calls()
          .filter((c) => c.call.user.id === user)
          .map((c) => ('template' in c.call ? c.call.template : c.call.kind));
      expect(sent('gone')).toEqual(['receipt', 'send_event']);
      expect(sent('here')).toEqual(['newsletter', 'receipt', 'send_event']);
      expect((await log.numbers('order-mails')).steps.newsletter).toMatchObject({ entered: 2, sent: 1, suppressed: 1 });
      const state = await handles[0]!.query(stateQuery);
      expect(state.held).toEqual([expect.objectContaining({ step: 'newsletter', outcome: 'suppressed' })]);
      const metadata = (await handles[0]!.query('__temporal_workflow_metadata')) as { currentDetails?: string };
      expect(metadata.currentDetails).toContain('Held back: `newsletter` suppressed (suppress condition holds)');
    } finally {
      await h.close();
    }
  }, 120_000);
});
