import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../dsl/load/config.ts';
import { completionsAt } from '../../lsp/completion.ts';
import { hoverAt } from '../../lsp/hover.ts';

const config = loadConfig('flows.config.yaml').config;

/** The labels offered where `|` stands in the text. */
function offered(marked: string, events: string[] = []): string[] {
  const offset = marked.indexOf('|');
  const text = marked.replace('|', '');
  return completionsAt(text, offset, { config, eventNames: () => events }).map((i) => i.label);
}

const FLOW = 'flow: t\ntrigger: { event: sign_up }\nsteps:\n';

describe('completion in flow files, in process', () => {
  it('offers a webhook step only webhook destinations, and a set_var step every type that sets vars', () => {
    expect(offered(`${FLOW}  - webhook: { url: "https://shop.example.com", destination: | }\n`)).toEqual(['webhook']);
    expect(offered(`${FLOW}  - set_var:\n      destination: |\n      vars: { a: 1 }\n`).sort()).toEqual(
      ['antavo', 'clevertap', 'customerio', 'moengage', 'mparticle', 'sailthru'].sort(),
    );
  });

  it('offers durations wherever the schema types a value as one', () => {
    for (const marked of [
      `${FLOW}  - wait: |\n`,
      `${FLOW}  - check:\n      if: { profile.attributes.last_seen: { within_last: | } }\n`,
      `flow: t\ntrigger: { event: a }\nentry:\n  frequency: { max: 1, per: | }\nsteps: [ exit ]\n`,
      `${FLOW}  - send_email: { destination: sailthru, template: a }\n    retry: { attempts: 3, backoff: | }\n`,
    ]) {
      expect(offered(marked), marked).toContain('1d');
    }
  });

  it('offers event names, the keys a step may hold, and the words a key takes', () => {
    expect(offered(`flow: t\ntrigger:\n  event: si|\nsteps: [ exit ]\n`, ['sign_up', 'purchase'])).toEqual(['sign_up', 'purchase']);
    const keys = offered(`${FLOW}  - id: a\n    |\n`);
    expect(keys).toEqual(expect.arrayContaining(['send_email', 'wait_for', 'on_error', 'retry']));
    expect(offered(`${FLOW}  - send_email: { destination: sailthru, template: a }\n    on_error: |\n`).sort()).toEqual([
      'continue',
      'exit',
      'fail',
    ]);
  });

  it('offers nothing where nothing is known', () => {
    expect(offered(`${FLOW}  - send_email: { destination: sailthru, template: | }\n`)).toEqual([]);
  });
});

describe('hover', () => {
  it('says nothing off a key, and what the schema says on one', () => {
    const text = `${FLOW}  - wait_for: { event: a, timeout: 1d }\n`;
    expect(hoverAt(text, text.indexOf('1d'))).toBeNull();
    const value = (hoverAt(text, text.indexOf('timeout'))!.contents as { value: string }).value;
    expect(value).toContain('A whole number and one unit');
  });

  it("names a destination's type and what it can do", () => {
    const text = `${FLOW}  - send_event: { destination: moengage, event: a }\n`;
    const value = (hoverAt(text, text.indexOf('moengage'), config)!.contents as { value: string }).value;
    expect(value).toContain('a `moengage` destination of flows.config.yaml');
    expect(value).toContain('`set_var`, `send_event`');
    expect(value).toContain('sends no email, push or SMS');
  });
});
