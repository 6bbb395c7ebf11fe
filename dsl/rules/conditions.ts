import { conditionLeaves, fieldProblem, operandProblem } from '../conditions.ts';
import { conditionsOf } from '../walk.ts';
import type { RuleContext } from './context.ts';

/** Condition fields must name something a run can read, and operands must fit their operator. */
export function conditions(ctx: RuleContext): void {
  for (const condition of conditionsOf(ctx.flow)) {
    for (const leaf of conditionLeaves(condition.value, condition.path)) {
      const field = fieldProblem(leaf.field);
      if (field) ctx.report('condition-field', leaf.path, field.message, { target: 'key', hint: field.hint });
      const operand = operandProblem(leaf.op, leaf.value);
      if (operand) ctx.report('condition-value', [...leaf.path, leaf.op], operand.message, { hint: operand.hint });
    }
  }
}
