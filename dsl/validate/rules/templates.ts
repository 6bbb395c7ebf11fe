import { checkTemplate } from '../../language/templates.ts';
import { templatesOf } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/** Templates must parse as Liquid and read only event, profile and vars. */
export const templates = defineRule({
  ids: {
    'template-syntax': 'a Liquid template that does not parse (or uses an unknown filter)',
    'template-root': 'a template reading something other than event, profile, vars',
  },
  check(ctx) {
    for (const { value, path } of templatesOf(ctx.flow)) {
      for (const problem of checkTemplate(value)) {
        if (problem.kind === 'syntax') {
          ctx.report('template-syntax', path, `template does not parse: ${problem.message}`, {
            hint: 'close every {{ with }} and every {% tag %} with its end tag; filters are written `| name: arg`',
          });
        } else if (problem.kind === 'length') {
          ctx.report('template-syntax', path, problem.message, {
            hint: 'keep long content in the destination (its email template) and pass it values',
          });
        } else {
          ctx.report('template-root', path, problem.message, {
            hint: `write event.${problem.root}, profile.attributes.${problem.root} or vars.${problem.root}`,
          });
        }
      }
    }
  },
});
