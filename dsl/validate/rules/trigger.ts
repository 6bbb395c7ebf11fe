import { isRecord } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

const TRIGGER_KINDS = ['event', 'attribute_change', 'identity_change', 'audience', 'date'] as const;

/** A trigger is exactly one of event, attribute_change, identity_change, audience, date. */
export const trigger = defineRule({
  ids: { 'trigger-kind': 'a trigger with no kind or more than one', 'audience-trigger': 'an audience trigger without id or name' },
  check(ctx) {
    const trigger = ctx.flow.trigger;
    if (!isRecord(trigger)) return; // the schema says what it should be
    const present = TRIGGER_KINDS.filter((k) => k in trigger);
    // Only `where`, or unknown keys too: those have the schema's finding, naming the kinds.
    if (present.length === 0 && Object.keys(trigger).every((k) => k === 'where')) {
      ctx.report('trigger-kind', ['trigger'], 'the trigger says nothing about what starts the flow', {
        target: 'key',
        hint: 'add `event: NAME`, `attribute_change: ATTR`, `identity_change: TYPE`, `audience: { name: NAME }` or `date: profile.attributes.X`',
      });
    } else if (present.length > 1) {
      ctx.report('trigger-kind', ['trigger', present[1]!], `a trigger has one kind; this one has ${present.join(' and ')}`, {
        target: 'key',
        hint: 'make a second flow for the other trigger, or move the extra test into `where:`',
      });
    }
    const audience = trigger.audience;
    if (isRecord(audience) && audience.id === undefined && audience.name === undefined) {
      ctx.report('audience-trigger', ['trigger', 'audience'], 'an audience trigger needs the audience id or name', {
        hint: 'e.g. `audience: { name: Cart Drop off, on: added }`',
      });
    }
  },
});
