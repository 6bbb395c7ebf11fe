import { conditionLeaves } from '../../language/conditions.ts';
import { templateVarRefs } from '../../language/templates.ts';
import { allSteps, conditionsOf, isRecord, templatesOf } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/** `vars.X` reads a value set by a set_var step of this flow; a name no step sets is likely a typo. */
export const vars = defineRule({
  ids: { 'unknown-var': 'vars.X read but never set by a set_var of the flow (warning)' },
  check(ctx) {
    const set = new Set<string>();
    for (const visit of allSteps(ctx.flow.steps)) {
      if (visit.kind !== 'set_var') continue;
      const vars = isRecord(visit.body) ? visit.body.vars : undefined;
      // What a broken set_var sets is unknown: warning about every read would be noise.
      if (!isRecord(vars)) return;
      for (const name of Object.keys(vars)) set.add(name);
    }
    const warn = (name: string, path: readonly (string | number)[], target: 'key' | 'value') => {
      if (set.has(name)) return;
      ctx.report('unknown-var', path, `vars.${name} is never set by a set_var step of this flow`, {
        severity: 'warning',
        target,
        hint: set.size ? `vars set here: ${[...set].join(', ')}` : 'set it with a set_var step first, or read profile.vars.' + name,
      });
    };
    for (const condition of conditionsOf(ctx.flow)) {
      for (const leaf of conditionLeaves(condition.value, condition.path)) {
        const [root, name] = leaf.field.split('.');
        if (root === 'vars' && name) warn(name, leaf.path, 'key');
      }
    }
    for (const template of templatesOf(ctx.flow)) {
      for (const name of templateVarRefs(template.value)) warn(name, template.path, 'value');
    }
  },
});
