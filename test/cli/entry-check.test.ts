import { expect, it } from 'vitest';
import { whyNotStarted } from '../../cli/entry-check.ts';
import { loadConfig } from '../../dsl/load/config.ts';
import { manualEvent } from '../../dsl/language/event.ts';
import { checkFlow } from '../../dsl/validate/validate.ts';
import { emptyProfile } from '../../store/store.ts';

const config = loadConfig('flows.config.yaml').config;
const flowWith = (active: string) =>
  checkFlow('f.yaml', `flow: windowed\nstatus: active\nactive: ${active}\ntrigger: { event: sign_up }\nsteps:\n  - wait: 1h\n`, config).ir!;
const ask = (active: string, at: string) =>
  whyNotStarted(
    flowWith(active),
    manualEvent({ name: 'sign_up' }, 'e1', Date.parse(at)),
    emptyProfile('u'),
    Date.parse(at),
    config.timezone,
  );

it('flows run and simulate refuse a start outside the active window, in the words ingest goes by', () => {
  const window = '{ from: "2030-03-01", until: "2030-03-31", then: stop }';
  expect(ask(window, '2030-02-20T12:00:00Z')).toMatch(/active window has not begun \(from 2030-03-01 until 2030-03-31, then stop\)/);
  expect(ask(window, '2030-03-15T12:00:00Z')).toBeUndefined();
  expect(ask(window, '2030-04-02T12:00:00Z')).toMatch(/^the flow is stopped \(its active window is over/);
  expect(ask('{ until: "2030-03-31" }', '2030-04-02T12:00:00Z')).toMatch(/^the flow is finishing \(its active window is over/);
});
