import type { DataPath } from '../language/data-path.ts';

/** A step's `id`, or its position name: `#3`, `#5.then.1`, `#2.branch1.1`, `#4.on_error.1`. */
export type StepRef = string;

/** Where a step goes. `into` names a branch of a step: `then`, `else`, `branchN` (a split's Nth, 1-based) or `on_error`. */
export type Where = { after: StepRef } | { before: StepRef } | { into: StepRef; branch: string; index?: number } | { top: number };

/** One change to a flow file, written into its text where it sits (comments and layout kept). */
export type FlowEdit =
  | { op: 'set'; path: DataPath; value: unknown }
  | { op: 'delete'; path: DataPath }
  | { op: 'insert'; path: DataPath; index: number; value: unknown }
  | { op: 'addStep'; step: unknown; where: Where }
  | { op: 'removeStep'; step: StepRef }
  | { op: 'moveStep'; step: StepRef; where: Where }
  | { op: 'setStep'; step: StepRef; key: string; value: unknown };

export type EditResult = { ok: true; text: string } | { ok: false; reason: string };

export interface StepPlace {
  path: DataPath;
  position: string;
  id: string;
  kind: string | undefined;
  /** 1-based line of the step's first line (its `- `). */
  line: number;
}

/** An edit that cannot be made safely: the reason reaches the user as it is. */
export class Refusal extends Error {}

export const refuse = (reason: string): never => {
  throw new Refusal(reason);
};

/** A path as people read it: `steps[2].wait`. */
export const showPath = (path: DataPath): string =>
  path.length === 0 ? 'the document' : path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
