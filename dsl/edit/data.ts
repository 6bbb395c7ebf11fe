import type { DataPath } from '../language/data-path.ts';
import { refuse, showPath } from './types.ts';

/**
 * The same writes over plain data: what the text must parse to after an edit. applyEdits checks
 * its result against it, so a text it cannot write right is refused, never returned wrong.
 */
type Container = Record<string, unknown> | unknown[];

const isContainer = (v: unknown): v is Container => v !== null && typeof v === 'object';

export const clone = <T>(v: T): T => structuredClone(v);

/** The collection holding the last key of `path` (making missing maps on the way when `create`). */
function parentAt(data: unknown, path: DataPath, create: boolean): Container {
  let at = data;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const parent = at as Record<string | number, unknown>;
    let next = parent[key];
    if ((next === undefined || next === null) && create && typeof path[i + 1] === 'string') next = parent[key] = {};
    if (!isContainer(next)) return refuse(`${showPath(path.slice(0, i + 1))} is not a map or a list`);
    at = next;
  }
  return at as Container;
}

export function setData(data: unknown, path: DataPath, value: unknown): void {
  const parent = parentAt(data, path, true);
  (parent as Record<string | number, unknown>)[path.at(-1)!] = clone(value);
}

export function deleteData(data: unknown, path: DataPath): void {
  const parent = parentAt(data, path, false);
  const key = path.at(-1)!;
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key as string];
}

export function insertData(data: unknown, list: DataPath, index: number, value: unknown): void {
  const parent = parentAt(data, list, true) as Record<string | number, unknown>;
  const key = list.at(-1)!;
  if (parent[key] === undefined || parent[key] === null) parent[key] = [];
  const items = parent[key];
  if (!Array.isArray(items)) return refuse(`${showPath(list)} is not a list`);
  items.splice(index, 0, clone(value));
}

export function dataAt(data: unknown, path: DataPath): unknown {
  let at = data;
  for (const key of path) {
    if (!isContainer(at)) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
