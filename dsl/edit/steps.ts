import type { DataPath } from '../language/data-path.ts';
import { allSteps, isRecord, listOf, splitParts, type StepVisit } from '../parse/walk.ts';
import { refuse, type StepRef, type Where } from './types.ts';

/** Keys of a step's own map (beside its kind); any other key `setStep` sets goes in the kind's body. */
export const STEP_KEYS: ReadonlySet<string> = new Set(['id', 'on_error', 'retry', 'caps', 'quiet_hours', 'transactional']);

export const visitsOf = (data: unknown): readonly StepVisit[] => (isRecord(data) ? allSteps(data.steps, ['steps'], '#') : []);

/** The step a ref names: its `id`, else its position name. */
export function resolveStep(data: unknown, ref: StepRef): StepVisit {
  const visits = visitsOf(data);
  const byId = visits.filter((v) => typeof v.step.id === 'string' && v.step.id === ref);
  if (byId.length > 1)
    return refuse(`${byId.length} steps have the id '${ref}': name one by its position (${byId.map((v) => v.position).join(', ')})`);
  const found = byId[0] ?? visits.find((v) => v.position === ref);
  if (found) return found;
  const names = visits.map((v) => (v.id === v.position ? v.position : `${v.id} (${v.position})`));
  const shown = names.length > 20 ? `${names.slice(0, 20).join(', ')}, …` : names.join(', ');
  return refuse(`no step '${ref}': the steps are ${shown || 'none'}`);
}

/** A place in a step list: the list's path and an index in it (its length: at the end). */
export interface ListPlace {
  list: DataPath;
  index: number;
}

const dataAt = (data: unknown, path: DataPath): unknown =>
  path.reduce<unknown>(
    (at, key) => (at !== null && typeof at === 'object' ? (at as Record<string | number, unknown>)[key] : undefined),
    data,
  );

/** Where a `Where` puts a step, in the data as it is now. */
export function resolveWhere(data: unknown, where: Where): ListPlace {
  if ('top' in where) {
    const length = listOf(isRecord(data) ? data.steps : undefined).length;
    if (!Number.isInteger(where.top) || where.top < 0 || where.top > length)
      refuse(`top ${where.top}: the flow has ${length} top-level steps (0 to ${length})`);
    return { list: ['steps'], index: where.top };
  }
  if ('after' in where || 'before' in where) {
    const ref = 'after' in where ? where.after : where.before;
    const visit = resolveStep(data, ref);
    const index = visit.path.at(-1) as number;
    return { list: visit.path.slice(0, -1), index: 'after' in where ? index + 1 : index };
  }
  const visit = resolveStep(data, where.into);
  const list = branchList(visit, where.branch);
  const length = listOf(dataAt(data, list)).length;
  const index = where.index ?? length;
  if (!Number.isInteger(index) || index < 0 || index > length)
    refuse(`${where.branch} of step '${where.into}' has ${length} steps: no place ${index} in it`);
  return { list, index };
}

function branchList(visit: StepVisit, branch: string): DataPath {
  const name = `step '${visit.id}'`;
  if (branch === 'then' || branch === 'else') {
    if (visit.kind !== 'check' && visit.kind !== 'wait_for')
      return refuse(`${name} is ${visit.kind ? `a ${visit.kind}` : 'not a step of one kind'}: only check and wait_for have '${branch}'`);
    if (!isRecord(visit.body)) return refuse(`${name}'s ${visit.kind} is not a map`);
    return [...visit.path, visit.kind, branch];
  }
  if (branch === 'on_error') {
    const onError = visit.step.on_error;
    if (onError !== undefined && !isRecord(onError))
      return refuse(`${name} has on_error: ${String(onError)}; set it to { steps: [] } to give it failure steps`);
    return [...visit.path, 'on_error', 'steps'];
  }
  const n = /^branch([1-9]\d*)$/.exec(branch);
  if (!n) return refuse(`no branch '${branch}': use then, else, on_error or branchN (a split's Nth branch)`);
  const split = splitParts(visit);
  if (!split) return refuse(`${name} is not a split: it has no ${branch}`);
  const i = Number(n[1]) - 1;
  if (i >= split.items.length) return refuse(`${name} has ${split.items.length} branches: no ${branch}`);
  if (!isRecord(split.items[i])) return refuse(`${name}'s ${branch} is not a map`);
  return [...split.itemsPath, i, 'steps'];
}

/** Every step of a flow text, in reading order, with the line of its `- `; undefined when the text is not YAML. */
