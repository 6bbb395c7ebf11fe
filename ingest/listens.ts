import { irSteps, type FlowIR } from '../dsl/language/ir.ts';

/** Event names a flow's running runs listen to: its exit_when entries, goals that end a run and its wait_for steps. */
const listened = new WeakMap<FlowIR, Set<string>>();
export function listensTo(flow: FlowIR): Set<string> {
  let names = listened.get(flow);
  if (!names) {
    names = new Set([...flow.exitWhen, ...(flow.goals ?? []).filter((g) => g.exit)].map((e) => e.event));
    for (const s of irSteps(flow.steps)) if (s.kind === 'wait_for') names.add(s.event);
    listened.set(flow, names);
  }
  return names;
}

/** Does any flow start on, or listen to, a change of this user attribute? */
export function attributeChangeMatters(flows: readonly FlowIR[], name: string): boolean {
  return flows.some(
    (f) =>
      listensTo(f).has('user_attribute_change') ||
      (f.trigger.kind === 'attribute_change' && f.trigger.attributes.includes(name)) ||
      (f.trigger.kind === 'event' && f.trigger.event === 'user_attribute_change'),
  );
}
