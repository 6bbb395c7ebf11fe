import type { EffectStep } from '../../activities/types.ts';
import type { StepIR } from '../../dsl/language/ir.ts';
import { DESTINATION_STEPS, type DestinationStep } from '../../dsl/language/step-kinds.ts';
import type { StepHandler } from '../run.ts';
import { check, exit, split } from './branches.ts';
import { effect } from './effect.ts';
import { wait, waitFor, waitUntil } from './waits.ts';

/** The handler of each step kind. */
export const HANDLERS: { [K in StepIR['kind']]: StepHandler<Extract<StepIR, { kind: K }>> } = {
  // Every step that calls a destination is one effect (dsl/language/step-kinds.ts lists them).
  ...(Object.fromEntries(DESTINATION_STEPS.map((kind) => [kind, effect])) as Record<DestinationStep, StepHandler<EffectStep>>),
  wait,
  wait_until: waitUntil,
  wait_for: waitFor,
  check,
  split,
  exit,
};
