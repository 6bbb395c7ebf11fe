import { conditionLeaves, fieldProblem, operandProblem } from '../../language/conditions.ts';
import { conditionsOf } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/** Condition fields must name something a run can read, and operands must fit their operator. */
export const conditions = defineRule({
  ids: {
    'condition-field': 'a condition field outside event., profile. and vars.',
    'condition-value': 'an operand that does not fit its operator (bad regex, bad date)',
  },
  check(ctx) {
    for (const condition of conditionsOf(ctx.flow)) {
      for (const leaf of conditionLeaves(condition.value, condition.path)) {
        const field = fieldProblem(leaf.field);
        if (field) ctx.report('condition-field', leaf.path, field.message, { target: 'key', hint: field.hint });
        const operand = operandProblem(leaf.op, leaf.value);
        if (operand) ctx.report('condition-value', [...leaf.path, leaf.op], operand.message, { hint: operand.hint });
      }
    }
  },
});
