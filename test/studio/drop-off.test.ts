import { describe, expect, it } from 'vitest';
import type { PictureNumbers } from '../../studio/api.ts';
import { edgeCounts, nodeRows, nodeValues } from '../../studio/client/drop-off.ts';
import { layoutFlow } from '../../studio/graph/layout.ts';
import { compile } from '../helpers/temporal.ts';

// A check, a wait_for and an exit_when: 20 runs entered; 2 left on purchase before the first step.
const FLOW = `flow: drop
name: Drop
trigger: { event: sign_up }
exit_when:
  - event: purchase
steps:
  - id: mail
    send_email: { destination: sailthru, template: t }
    on_error: continue
  - id: vip
    check:
      if: { profile.attributes.tier: { eq: gold } }
      then:
        - id: gift
          send_push: { destination: clevertap, body: hi }
      else: []
  - id: open
    wait_for: { event: app_open, timeout: 1d }
`;

const numbers = (): PictureNumbers => ({
  at: 0,
  version: 'v',
  window: '7d',
  flow: { entered: 20, completed: 10, exited: 5, failed: 1, now: 4 },
  steps: {
    mail: { entered: 18, sent: 15, failed: 3, exited: 0, retried: 0 },
    vip: { entered: 18, exited: 0, 'branch:then': 6, 'branch:else': 12 },
    gift: { entered: 6, sent: 5, failed: 1, exited: 0, retried: 0, capped: 0, delayed: 2 },
    open: { entered: 17, exited: 3, now: 4, 'branch:event': 4, 'branch:timeout': 6 },
  },
  exits: { 'exit_when: purchase': 5 },
  errorExits: 0,
  leftEarly: 2,
  ways: [],
});

describe('drop-off on the flow page: counts and shares on boxes and arrows', async () => {
  const picture = await layoutFlow(compile(FLOW), { numbers: true });
  const node = (step: string) => picture.nodes.find((n) => n.step === step)!;
  const role = (r: string) => picture.nodes.find((n) => n.role === r)!;
  const counts = edgeCounts(picture, numbers());
  const arrow = (from: string, branch?: string) =>
    counts.get(picture.edges.find((e) => e.from === (picture.nodes.find((n) => n.step === from) ?? role(from)).id && e.branch === branch)!);

  it("counts a branch's arrow by the runs that took it, as a share of the runs that reached its step", () => {
    expect(arrow('vip', 'then')).toEqual({ count: 6, share: '33%' });
    expect(arrow('vip', 'else')).toEqual({ count: 12, share: '67%' });
    expect(arrow('open', 'event')).toEqual({ count: 4, share: '24%' });
  });

  it("counts the arrow from the trigger by the first step's runs: 18 of 20, the 2 others left before it", () => {
    const first = counts.get(picture.edges.find((e) => e.from === role('trigger').id && e.to === node('mail').id)!);
    expect(first).toEqual({ count: 18, share: '90%' });
    const trigger = nodeRows(role('trigger'), nodeValues(role('trigger'), numbers()), undefined).flat();
    expect(trigger.find((s) => s.key === 'left_early')).toMatchObject({ value: 2, share: '10%', tone: 'exit' });
  });

  it('gives the exit_when box the runs that left by it, and its arrow the same', () => {
    const exit = role('exit_when');
    expect(nodeValues(exit, numbers())).toEqual({ exited: 5 });
    expect(counts.get(picture.edges.find((e) => e.to === exit.id)!)).toEqual({ count: 5, share: '25%' });
  });

  it("shares a step's sends and failures of its own runs, failures red, and hides guardrails until one held a send", () => {
    const gift = nodeRows(node('gift'), nodeValues(node('gift'), numbers()), arrow('vip', 'then')).flat();
    expect(gift.find((s) => s.key === 'entered')).toMatchObject({ value: 6, share: '33%' });
    expect(gift.find((s) => s.key === 'sent')).toMatchObject({ value: 5, share: '83%', tone: 'good' });
    expect(gift.find((s) => s.key === 'failed')).toMatchObject({ value: 1, share: '17%', tone: 'bad' });
    expect(gift.find((s) => s.key === 'delayed')).toMatchObject({ value: 2, tone: 'held' });
    expect(gift.find((s) => s.key === 'capped')).toBeUndefined();
    // Branch counts are on the arrows, not repeated on the box.
    expect(
      nodeRows(node('vip'), nodeValues(node('vip'), numbers()), undefined)
        .flat()
        .map((s) => s.key),
    ).toEqual(['entered', 'exited']);
  });

  it("leaves an arrow into a step several lead to without a count of its own (a branch's arrow keeps its branch count)", () => {
    const into = picture.edges.filter((e) => e.to === node('open').id);
    expect(into.length).toBe(2);
    expect(counts.get(into.find((e) => e.from === node('gift').id)!)).toBeUndefined();
    expect(counts.get(into.find((e) => e.branch === 'else')!)).toEqual({ count: 12, share: '67%' });
  });
});
