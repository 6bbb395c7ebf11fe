import { fieldProblem } from '../../language/conditions.ts';
import { isRecord, listOf } from '../../parse/walk.ts';
import { defineRule, type RuleContext } from './context.ts';

/** A goal's name appears in reports, URLs and CSV headers: letters, digits, `_` and `-`. */
const GOAL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Goals are told apart by name (their event's, unless `name:` says otherwise), and sum a field of the goal event. */
export const goals = defineRule({
  ids: {
    'goal-name': 'two goals with one name, or a goal name that is not letters, digits, _ and -',
    'goal-value': 'a goal value that is not a field of the goal event',
  },
  check(ctx) {
    const firstAt = new Map<string, (string | number)[]>(); // paths: a place is read only for a finding
    for (const [i, goal] of listOf(ctx.flow.goals).entries()) {
      if (!isRecord(goal)) continue;
      const own = typeof goal.name === 'string';
      const name = own ? (goal.name as string) : goal.event;
      if (typeof name !== 'string') continue;
      const path = ['goals', i, own ? 'name' : 'event'];
      if (!GOAL_NAME.test(name)) {
        ctx.report('goal-name', path, `goal name '${name}' may hold only letters, digits, _ and -`, {
          hint: own ? `e.g. name: ${slug(name)}` : `add \`name: ${slug(name)}\` to this goal: without one it is named after its event`,
        });
      }
      const earlier = firstAt.get(name);
      if (earlier === undefined) firstAt.set(name, path);
      else
        ctx.report('goal-name', path, `goal name '${name}' is already used on line ${ctx.locate(earlier).line}`, {
          hint: 'give one of them its own `name:` (two goals on one event need names that tell them apart)',
        });
      if (typeof goal.value === 'string') goalValue(ctx, goal.value, ['goals', i, 'value']);
    }
  },
});

function goalValue(ctx: RuleContext<'goal-value'>, value: string, path: (string | number)[]): void {
  if (!/^event\.[^.]/.test(value)) {
    ctx.report('goal-value', path, `goal value '${value}' must be a field of the goal event, starting with event.`, {
      hint: 'e.g. event.attributes.revenue or event.revenue',
    });
    return;
  }
  const problem = fieldProblem(value);
  if (problem) ctx.report('goal-value', path, problem.message, { hint: problem.hint });
}

const slug = (text: string): string => text.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[_-]+|_+$/g, '') || 'goal';
