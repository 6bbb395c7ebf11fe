import type { FlowStatus } from '../language/ir.ts';
import type { DataPath } from '../language/data-path.ts';
import { isStepKind, type StepKind } from '../language/step-kinds.ts';

/**
 * A flow as the schema admits it. Rules also read flows the schema refused (to report every
 * mistake in one run), so the walks below check the type of each part before reading it.
 */
export interface RawFlow {
  flow: string;
  name?: string;
  status?: FlowStatus;
  active?: { from?: string; until?: string; then?: 'finish' | 'stop' };
  trigger: Record<string, unknown> & { where?: unknown };
  entry?: { reentry?: string; frequency?: { max: number; per: string } };
  exit_when?: Array<{ event: string; where?: unknown }>;
  goals?: RawGoal[];
  steps: unknown[];
}

export interface RawGoal {
  name?: string;
  event: string;
  where?: unknown;
  within?: string;
  exit?: boolean;
  value?: string;
}

type RawStep = Record<string, unknown>;

/** A template value as the schema admits it: text (a template), a scalar, or lists and maps of them. */
type RawTemplateValue = string | number | boolean | null | RawTemplateValue[] | { [key: string]: RawTemplateValue };

/** A `set_var` value: a template, a scalar, or one operation. */
type RawVarValue = string | number | boolean | null | { increment: number } | { decrement: number } | { delete: true };

type RawListChange = { destination: string; list: string | number };

/**
 * Each step kind's body as the schema admits it (the `$defs` of the same names in
 * schema/flow.schema.json): what the compiler reads, since it compiles only flows the schema admitted.
 * Conditions and nested steps stay `unknown`: their own compilers and walks read them.
 */
interface RawStepBodies {
  set_var: { destination: string; vars: Record<string, RawVarValue> };
  send_email: { destination: string; template: string; vars?: Record<string, RawTemplateValue> };
  send_push: { destination: string; title?: string; body: string; deep_link?: string; vars?: Record<string, RawTemplateValue> };
  send_sms: { destination: string; body: string };
  add_to_list: RawListChange;
  remove_from_list: RawListChange;
  send_event: { destination: string; event: string; type?: string; attributes?: Record<string, RawTemplateValue> };
  webhook: {
    destination?: string;
    url: string;
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    headers?: Record<string, string>;
    body?: RawTemplateValue;
  };
  wait: string;
  wait_until: { time: string; timezone?: string; days?: string[] };
  wait_for: { event: string; where?: unknown; timeout: string; then?: unknown[]; else?: unknown[] };
  check: { if: unknown; then?: unknown[]; else?: unknown[] };
  split: unknown[] | { branches?: unknown[]; pick_winner?: unknown };
  exit: null | boolean;
}

/** A visit of a step the schema admitted: its kind says the type of its body. */
export type AdmittedVisit =
  | { [K in StepKind]: Omit<StepVisit, 'kind' | 'body'> & { kind: K; body: RawStepBodies[K] } }[StepKind]
  | (Omit<StepVisit, 'kind'> & { kind: undefined });

export interface StepVisit {
  /** The step's map; the plain string `exit` is seen as `{ exit: null }`. */
  step: RawStep;
  /** The kind keys present (one in a valid step). */
  kinds: StepKind[];
  kind: StepKind | undefined;
  body: unknown;
  path: DataPath;
  /** Where the step sits, 1-based: `#3`, `#3.then.1`, `#5.branch2.1`. */
  position: string;
  /** The step's id: its own `id:`, or else its position. */
  id: string;
}

export interface Branch {
  label: string;
  steps: unknown[];
  path: DataPath;
  /** The part of a derived id that names this branch. */
  idPart: string;
  /** A split branch's own map (`label`, `percent`, `control`) and its path; absent for then/else. */
  item?: { value: Record<string, unknown>; path: DataPath };
  /** The steps of `on_error: { steps }`: run when the step's destination call fails for good. */
  onError?: true;
}

/** A split's parts, read from either form: `split: [branches]` or `split: { branches, pick_winner }`. */
export interface SplitParts {
  items: unknown[];
  /** Path to the list of branches. */
  itemsPath: DataPath;
  pickWinner?: Located<unknown>;
}

export function splitParts(visit: StepVisit): SplitParts | undefined {
  if (visit.kind !== 'split') return undefined;
  const at: DataPath = [...visit.path, 'split'];
  if (Array.isArray(visit.body)) return { items: visit.body, itemsPath: at };
  const body = isRecord(visit.body) ? visit.body : {};
  const pickWinner = body.pick_winner === undefined ? {} : { pickWinner: { value: body.pick_winner, path: [...at, 'pick_winner'] } };
  return { items: listOf(body.branches), itemsPath: [...at, 'branches'], ...pickWinner };
}

/** A split branch's name when it has no `label`: its percent. */
const defaultLabel = (percent: unknown): string => `${typeof percent === 'number' ? percent : '?'}%`;

function asStep(raw: unknown): RawStep {
  return typeof raw === 'string' ? { [raw]: null } : isRecord(raw) ? raw : {};
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A list the schema may have refused: anything else reads as empty. */
export const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function visitOf(raw: unknown, path: DataPath, position: string): StepVisit {
  const step = asStep(raw);
  const kinds = Object.keys(step).filter(isStepKind);
  const kind = kinds.length === 1 ? kinds[0] : undefined;
  const id = typeof step.id === 'string' ? step.id : position;
  return { step, kinds, kind, body: kind ? step[kind] : undefined, path, position, id };
}

/** The nested step lists of a step, in the order a reader sees them: its own branches, then its failure branch. */
export function branchesOf(visit: StepVisit): Branch[] {
  const onError = visit.step.on_error;
  const failure: Branch[] = isRecord(onError)
    ? [{ label: 'on error', steps: listOf(onError.steps), path: [...visit.path, 'on_error', 'steps'], idPart: 'on_error', onError: true }]
    : [];
  return [...kindBranchesOf(visit), ...failure];
}

/** The branches of a branching step (check, wait_for, split). */
export function kindBranchesOf(visit: StepVisit): Branch[] {
  if (visit.kind === 'check' || visit.kind === 'wait_for') {
    const b = isRecord(visit.body) ? visit.body : {};
    return (['then', 'else'] as const).map((label) => ({
      label,
      steps: Array.isArray(b[label]) ? (b[label] as unknown[]) : [],
      path: [...visit.path, visit.kind!, label],
      idPart: label,
    }));
  }
  const split = splitParts(visit);
  return (split?.items ?? []).map((branch, i) => {
    const b = isRecord(branch) ? branch : {};
    const itemPath = [...split!.itemsPath, i];
    return {
      label: typeof b.label === 'string' ? b.label : defaultLabel(b.percent),
      steps: listOf(b.steps),
      path: [...itemPath, 'steps'],
      idPart: `branch${i + 1}`,
      item: { value: b, path: itemPath },
    };
  });
}

/** The visits of one step list, in order, without descending into branches. */
export function listVisits(steps: unknown, path: DataPath, idPrefix: string): StepVisit[] {
  return listOf(steps).map((raw, i) => visitOf(raw, [...path, i], `${idPrefix}${i + 1}`));
}

/**
 * The walks of the flow whose rules are running, each made once: the rules walk the same steps
 * over and over (`allSteps`, `conditionsOf`, `templatesOf`), so inside `walkingOnce` a walk's
 * answer is kept, by the object walked, until the run ends; outside one every call walks afresh.
 * The rules only read the flow and what the walks answer, so sharing them changes only the time.
 */
interface Walks {
  steps: Map<unknown, readonly StepVisit[]>;
  conditions: Map<RawFlow, readonly Located<unknown>[]>;
  templates: Map<RawFlow, readonly Located<string>[]>;
}
let walks: Walks | undefined;

/** Runs `run` with the walks of the flow remembered (the flow must not change meanwhile). */
export function walkingOnce<T>(run: () => T): T {
  const outer = walks;
  walks = { steps: new Map(), conditions: new Map(), templates: new Map() };
  try {
    return run();
  } finally {
    walks = outer;
  }
}

function remembered<K, T>(kept: Map<K, T> | undefined, key: K, walk: () => T): T {
  if (!kept) return walk();
  let found = kept.get(key);
  if (found === undefined) kept.set(key, (found = walk()));
  return found;
}

/** Every step of a flow, depth first, in reading order. */
export function allSteps(steps: unknown, path?: DataPath, idPrefix?: string): readonly StepVisit[] {
  if (path !== undefined || idPrefix !== undefined) return stepsUnder(steps, path ?? ['steps'], idPrefix ?? '#');
  return remembered(walks?.steps, steps, () => stepsUnder(steps, ['steps'], '#'));
}

function stepsUnder(steps: unknown, path: DataPath, idPrefix: string, out: StepVisit[] = []): StepVisit[] {
  for (const visit of listVisits(steps, path, idPrefix)) {
    out.push(visit);
    for (const branch of branchesOf(visit)) stepsUnder(branch.steps, branch.path, `${visit.position}.${branch.idPart}.`, out);
  }
  return out;
}

export interface Located<T> {
  value: T;
  path: DataPath;
}

/** Every condition of a flow with where it sits. */
export function conditionsOf(flow: RawFlow): readonly Located<unknown>[] {
  return remembered(walks?.conditions, flow, () => [...conditionsIn(flow)]);
}

function* conditionsIn(flow: RawFlow): Generator<Located<unknown>> {
  if (isRecord(flow.trigger) && flow.trigger.where !== undefined) yield { value: flow.trigger.where, path: ['trigger', 'where'] };
  for (const [i, exit] of listOf(flow.exit_when).entries()) {
    if (isRecord(exit) && exit.where !== undefined) yield { value: exit.where, path: ['exit_when', i, 'where'] };
  }
  for (const [i, goal] of listOf(flow.goals).entries()) {
    if (isRecord(goal) && goal.where !== undefined) yield { value: goal.where, path: ['goals', i, 'where'] };
  }
  for (const visit of allSteps(flow.steps)) {
    const body = isRecord(visit.body) ? visit.body : undefined;
    if (visit.kind === 'wait_for' && body?.where !== undefined) yield { value: body.where, path: [...visit.path, 'wait_for', 'where'] };
    if (visit.kind === 'check' && body?.if !== undefined) yield { value: body.if, path: [...visit.path, 'check', 'if'] };
  }
}

/** Fields of each step kind that hold Liquid templates (a string, or maps and lists of them). */
const TEMPLATE_FIELDS: Partial<Record<StepKind, readonly string[]>> = {
  set_var: ['vars'],
  send_email: ['vars'],
  send_push: ['title', 'body', 'deep_link', 'vars'],
  send_sms: ['body'],
  send_event: ['attributes'],
  webhook: ['url', 'headers', 'body'],
};

/** Every template string of a flow with where it sits. */
export function templatesOf(flow: RawFlow): readonly Located<string>[] {
  return remembered(walks?.templates, flow, () => {
    const out: Located<string>[] = [];
    for (const visit of allSteps(flow.steps)) {
      const fields = visit.kind ? TEMPLATE_FIELDS[visit.kind] : undefined;
      const body = isRecord(visit.body) ? visit.body : undefined;
      for (const field of fields ?? []) {
        if (body?.[field] !== undefined) stringsIn(body[field], [...visit.path, visit.kind!, field], out);
      }
    }
    return out;
  });
}

function stringsIn(value: unknown, path: DataPath, out: Located<string>[]): void {
  if (typeof value === 'string') out.push({ value, path });
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) stringsIn(value[i], [...path, i], out);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) stringsIn(v, [...path, k], out);
}

/** Every duration of a flow with where it sits. */
export function* durationsOf(flow: RawFlow): Generator<Located<string>> {
  const frequency = isRecord(flow.entry) && isRecord(flow.entry.frequency) ? flow.entry.frequency : undefined;
  if (typeof frequency?.per === 'string') yield { value: frequency.per, path: ['entry', 'frequency', 'per'] };
  for (const [i, goal] of listOf(flow.goals).entries()) {
    if (isRecord(goal) && typeof goal.within === 'string') yield { value: goal.within, path: ['goals', i, 'within'] };
  }
  for (const visit of allSteps(flow.steps)) {
    const body = isRecord(visit.body) ? visit.body : undefined;
    if (visit.kind === 'wait' && typeof visit.body === 'string') yield { value: visit.body, path: [...visit.path, 'wait'] };
    if (visit.kind === 'wait_for' && typeof body?.timeout === 'string')
      yield { value: body.timeout, path: [...visit.path, 'wait_for', 'timeout'] };
    const retry = visit.step.retry;
    if (isRecord(retry) && typeof retry.backoff === 'string') yield { value: retry.backoff, path: [...visit.path, 'retry', 'backoff'] };
    const pick = splitParts(visit)?.pickWinner;
    if (isRecord(pick?.value) && typeof pick.value.after === 'string') yield { value: pick.value.after, path: [...pick.path, 'after'] };
  }
}
