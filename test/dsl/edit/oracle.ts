import { parse } from 'yaml';
import type { FlowEdit, Where } from '../../../dsl/edit/index.ts';

/**
 * The edits over plain data, written apart from the writer: what a flow file must parse to after
 * an edit. Throws where an edit makes no sense (an unknown step, a move into itself).
 */
type Data = Record<string, unknown>;
type Path = readonly (string | number)[];

interface Place {
  path: Path;
  position: string;
  id: string;
}

const isMap = (v: unknown): v is Data => v !== null && typeof v === 'object' && !Array.isArray(v);
const BRANCHING = ['check', 'wait_for'];

/** Every step with its path and position name (`#2.then.1`), as the language names them. */
export function places(data: unknown): Place[] {
  const out: Place[] = [];
  const list = (steps: unknown, path: Path, prefix: string) => {
    if (!Array.isArray(steps)) return;
    steps.forEach((step, i) => {
      const position = `${prefix}${i + 1}`;
      const here = [...path, i];
      out.push({ path: here, position, id: isMap(step) && typeof step.id === 'string' ? step.id : position });
      if (!isMap(step)) return;
      for (const kind of BRANCHING) {
        const body = step[kind];
        if (isMap(body)) for (const b of ['then', 'else']) list(body[b], [...here, kind, b], `${position}.${b}.`);
      }
      if (step.split !== undefined) {
        const items = Array.isArray(step.split) ? step.split : isMap(step.split) ? step.split.branches : undefined;
        const itemsPath = Array.isArray(step.split) ? [...here, 'split'] : [...here, 'split', 'branches'];
        if (Array.isArray(items))
          items.forEach((b, j) => isMap(b) && list(b.steps, [...itemsPath, j, 'steps'], `${position}.branch${j + 1}.`));
      }
      if (isMap(step.on_error)) list(step.on_error.steps, [...here, 'on_error', 'steps'], `${position}.on_error.`);
    });
  };
  list(isMap(data) ? data.steps : undefined, ['steps'], '#');
  return out;
}

function find(data: unknown, ref: string): Place {
  const all = places(data);
  const found = all.find((p) => p.id === ref) ?? all.find((p) => p.position === ref);
  if (!found) throw new Error(`no step ${ref}`);
  return found;
}

const get = (data: unknown, path: Path): unknown => path.reduce<unknown>((at, k) => (at as Record<string | number, unknown>)?.[k], data);

function parentOf(data: unknown, path: Path, create: boolean): Record<string | number, unknown> {
  let at = data as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    if ((at[k] === undefined || at[k] === null) && create) at[k] = typeof path[i + 1] === 'number' ? [] : {};
    if (at[k] === null || typeof at[k] !== 'object') throw new Error(`no collection at ${path.slice(0, i + 1).join('.')}`);
    at = at[k] as Record<string | number, unknown>;
  }
  return at;
}

function insert(data: unknown, list: Path, index: number, value: unknown): void {
  const parent = parentOf(data, [...list, 0], true);
  if (!Array.isArray(parent)) throw new Error('not a list');
  if (index < 0 || index > parent.length) throw new Error('no such place');
  parent.splice(index, 0, value);
}

function remove(data: unknown, path: Path): void {
  const parent = parentOf(data, path, false);
  const k = path.at(-1)!;
  if (Array.isArray(parent)) parent.splice(k as number, 1);
  else delete parent[k];
}

function placeOf(data: unknown, where: Where): { list: Path; index: number } {
  if ('top' in where) return { list: ['steps'], index: where.top };
  if ('after' in where) {
    const p = find(data, where.after);
    return { list: p.path.slice(0, -1), index: (p.path.at(-1) as number) + 1 };
  }
  if ('before' in where) {
    const p = find(data, where.before);
    return { list: p.path.slice(0, -1), index: p.path.at(-1) as number };
  }
  const p = find(data, where.into);
  const step = get(data, p.path) as Data;
  let list: Path;
  if (where.branch === 'then' || where.branch === 'else') {
    const kind = BRANCHING.find((k) => isMap(step[k]));
    if (!kind) throw new Error('no such branch');
    list = [...p.path, kind, where.branch];
  } else if (where.branch === 'on_error') {
    if (step.on_error !== undefined && !isMap(step.on_error)) throw new Error('on_error is a word');
    list = [...p.path, 'on_error', 'steps'];
  } else {
    const n = Number(/^branch(\d+)$/.exec(where.branch)?.[1]) - 1;
    const itemsPath = Array.isArray(step.split) ? [...p.path, 'split'] : [...p.path, 'split', 'branches'];
    const items = get(data, itemsPath);
    if (!Array.isArray(items) || !(n >= 0 && n < items.length)) throw new Error('no such branch');
    list = [...itemsPath, n, 'steps'];
  }
  const length = (get(data, list) as unknown[] | undefined)?.length ?? 0;
  return { list, index: where.index ?? length };
}

/** The data after an edit (a new object; the input is left as it was). */
export function oracle(input: unknown, edit: FlowEdit): unknown {
  const data = structuredClone(input);
  switch (edit.op) {
    case 'set':
      parentOf(data, edit.path, true)[edit.path.at(-1)!] = structuredClone(edit.value);
      return data;
    case 'delete':
      if (get(data, edit.path) === undefined) throw new Error('nothing to delete');
      remove(data, edit.path);
      return data;
    case 'insert':
      insert(data, edit.path, edit.index, structuredClone(edit.value));
      return data;
    case 'addStep': {
      const { list, index } = placeOf(data, edit.where);
      insert(data, list, index, typeof edit.step === 'string' ? parse(edit.step) : structuredClone(edit.step));
      return data;
    }
    case 'removeStep':
      remove(data, find(data, edit.step).path);
      return data;
    case 'moveStep': {
      const from = find(data, edit.step).path;
      const target = placeOf(data, edit.where);
      if (from.every((k, i) => target.list[i] === k)) throw new Error('into itself');
      // Leave a tomb where the step was and a mark where it goes, then swap them by reference: no index shifts to follow.
      const step = get(data, from);
      const tomb = {};
      const mark = {};
      parentOf(data, from, false)[from.at(-1)!] = tomb;
      insert(data, target.list, target.index, mark);
      const t = holder(data, tomb);
      t.list.splice(t.index, 1);
      const m = holder(data, mark);
      m.list.splice(m.index, 1, step);
      return data;
    }
    case 'setStep': {
      const p = find(data, edit.step);
      const step = get(data, p.path);
      if (typeof step === 'string') {
        parentOf(data, p.path, false)[p.path.at(-1)!] =
          edit.key === step ? { [step]: edit.value } : { [step]: null, [edit.key]: edit.value };
        return data;
      }
      const record = step as Data;
      const kinds = Object.keys(record).filter((k) => !['id', 'on_error', 'retry', 'caps', 'quiet_hours', 'transactional'].includes(k));
      if (edit.key in record || ['id', 'on_error', 'retry', 'caps', 'quiet_hours', 'transactional'].includes(edit.key))
        record[edit.key] = edit.value;
      else (record[kinds[0]!] as Data)[edit.key] = edit.value;
      return data;
    }
  }
}

/** The list holding an object (by reference), and where in it. */
function holder(data: unknown, target: object): { list: unknown[]; index: number } {
  let found: { list: unknown[]; index: number } | undefined;
  const look = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (x === target ? (found = { list: v, index: i }) : look(x)));
    else if (isMap(v)) Object.values(v).forEach(look);
  };
  look(data);
  if (!found) throw new Error('lost track of a moved step');
  return found;
}
