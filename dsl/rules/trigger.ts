import type { RuleContext } from './context.ts';

const TRIGGER_KINDS = ['event', 'attribute_change', 'identity_change', 'audience'] as const;

/** A trigger is exactly one of event, attribute_change, identity_change, audience. */
export function trigger(ctx: RuleContext): void {
  const present = TRIGGER_KINDS.filter((k) => k in ctx.flow.trigger);
  if (present.length === 0) {
    ctx.report('trigger-kind', ['trigger'], 'the trigger says nothing about what starts the flow', {
      target: 'key',
      hint: 'add `event: NAME`, `attribute_change: ATTR`, `identity_change: TYPE` or `audience: { name: NAME }`',
    });
  } else if (present.length > 1) {
    ctx.report('trigger-kind', ['trigger', present[1]!], `a trigger has one kind; this one has ${present.join(' and ')}`, {
      target: 'key',
      hint: 'make a second flow for the other trigger, or move the extra test into `where:`',
    });
  }
  const audience = ctx.flow.trigger.audience as { id?: unknown; name?: unknown } | undefined;
  if (audience && audience.id === undefined && audience.name === undefined) {
    ctx.report('audience-trigger', ['trigger', 'audience'], 'an audience trigger needs the audience id or name', {
      hint: 'e.g. `audience: { name: Cart Drop off, on: added }`',
    });
  }
}
