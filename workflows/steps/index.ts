import type { StepIR } from '../../dsl/ir.ts';
import type { StepHandler } from '../run.ts';
import { check, exit, split } from './branches.ts';
import { effect } from './effect.ts';
import { wait, waitFor, waitUntil } from './waits.ts';

/** The handler of each step kind. */
export const HANDLERS: { [K in StepIR['kind']]: StepHandler<Extract<StepIR, { kind: K }>> } = {
  set_var: effect,
  send_email: effect,
  send_push: effect,
  send_sms: effect,
  add_to_list: effect,
  remove_from_list: effect,
  send_event: effect,
  webhook: effect,
  wait,
  wait_until: waitUntil,
  wait_for: waitFor,
  check,
  split,
  exit,
};
