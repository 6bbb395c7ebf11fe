import { applyEdits, readFlowText, type FlowEdit } from '../../../dsl/edit/index.ts';

/** A small flow with the shapes edits meet: comments, a flow-style map, a nested list, a bare step. */
const SAMPLE = `flow: warm-up
trigger: { event: sign_up }
steps:
  # the first
  - id: a
    wait: 1d
  - id: b
    send_email: { destination: d, template: t }
  - id: c
    check:
      if: { event.attributes.points: { gte: 1 } }
      then:
        - wait: 2h
  - exit
`;
const EDITS: FlowEdit[] = [
  { op: 'moveStep', step: 'a', where: { after: 'b' } },
  { op: 'setStep', step: 'b', key: 'template', value: 'u' },
  { op: 'addStep', step: { id: 'd', wait: '3d' }, where: { into: 'c', branch: 'then' } },
  { op: 'removeStep', step: 'd' },
];

/**
 * Runs the writer on a small flow while the page is idle after opening, and throws the results
 * away: the browser compiles the writer's and the YAML parser's code then, not on the marketer's
 * first edit (which took twice as long as the next ones on a 200-step flow). Then reads the text
 * being edited again, so the writer's parse of it is the one at hand for that first edit.
 */
export function warmUpWriter(current: () => string): () => void {
  let rounds = 40;
  let handle = 0;
  // A few rounds per idle moment, so the page's own work (its picture arriving) never waits on this.
  const work = (idle: IdleDeadline) => {
    while (rounds > 0 && idle.timeRemaining() > 4) {
      applyEdits(SAMPLE, EDITS);
      rounds--;
    }
    if (rounds > 0) handle = requestIdleCallback(work);
    else readFlowText(current());
  };
  handle = requestIdleCallback(work);
  return () => cancelIdleCallback(handle);
}
