import { isMap, isSeq } from 'yaml';
import type { DataPath } from '../language/data-path.ts';
import { isRecord } from '../parse/walk.ts';
import { dataAt, clone, deepEqual, deleteData, insertData, setData } from './data.ts';
import { guardPlain, parseText, walk } from './document.ts';
import { resolveStep, resolveWhere, STEP_KEYS, type ListPlace } from './steps.ts';
import { addPair, deleteItem, deletePair, insertItem, itemContent, replaceValue, type ItemContent } from './text-ops.ts';
import { stepContent } from './step-text.ts';
import { Refusal, refuse, showPath, type EditResult, type FlowEdit } from './types.ts';

/** Applies one edit to a flow file's text, writing only the lines it changes. */
export function applyEdit(text: string, edit: FlowEdit): EditResult {
  return applyEdits(text, [edit]);
}

/**
 * Applies edits in order, each to the text the one before left. Either every edit is written, or
 * none: the first that cannot be made safely gives the reason. The result is checked against the
 * same edits made to the parsed data, so a text that would not mean what the edits say is refused.
 */
export function applyEdits(text: string, edits: readonly FlowEdit[]): EditResult {
  try {
    const crlf = text.includes('\r\n');
    if (crlf && /(^|[^\r])\n/.test(text)) refuse('the file mixes CRLF and LF line ends; make them one kind first');
    const original = crlf ? text.replace(/\r\n/g, '\n') : text;
    let lf = original;
    const expected = clone(parseText(original).data);
    for (const edit of edits) lf = applyOne(lf, edit, expected);
    if (lf === original) return { ok: true, text };
    let written: unknown;
    try {
      written = parseText(lf).data;
    } catch {
      written = undefined;
    }
    if (!deepEqual(written, expected)) {
      refuse('the edit could not be written without changing more than it says (a layout this writer cannot map); make it by hand');
    }
    return { ok: true, text: crlf ? lf.replace(/\n/g, '\r\n') : lf };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.message };
    throw error;
  }
}

function applyOne(text: string, edit: FlowEdit, data: unknown): string {
  switch (edit.op) {
    case 'set':
      if (edit.path.length === 0) refuse('set needs a path to a key');
      {
        const next = setText(text, edit.path, edit.value);
        setData(data, edit.path, edit.value);
        return next;
      }
    case 'delete': {
      if (edit.path.length === 0) refuse('delete needs a path to a key or an item');
      const next = deleteText(text, edit.path);
      deleteData(data, edit.path);
      return next;
    }
    case 'insert': {
      const length = listLength(data, edit.path);
      if (!Number.isInteger(edit.index) || edit.index < 0 || edit.index > length)
        refuse(`${showPath(edit.path)} has ${length} items: no place ${edit.index} in it`);
      const next = insertText(text, { list: edit.path, index: edit.index }, { value: edit.value });
      insertData(data, edit.path, edit.index, edit.value);
      return next;
    }
    case 'addStep': {
      const { content, value } = stepContent(edit.step);
      const place = resolveWhere(data, edit.where);
      const next = insertText(text, place, content);
      insertData(data, place.list, place.index, value);
      return next;
    }
    case 'removeStep': {
      const { path } = resolveStep(data, edit.step);
      const next = deleteText(text, path);
      deleteData(data, path);
      return next;
    }
    case 'moveStep':
      return moveStep(text, data, edit.step, edit.where);
    case 'setStep': {
      const path = setStepPath(data, edit.step, edit.key, edit.value);
      const next = setText(text, path.path, path.value);
      setData(data, path.path, path.value);
      return next;
    }
    default:
      return refuse(`unknown edit '${(edit as { op?: unknown }).op}'`);
  }
}

function listLength(data: unknown, path: DataPath): number {
  const list = dataAt(data, path);
  if (list === undefined || list === null) return 0;
  if (!Array.isArray(list)) return refuse(`${showPath(path)} is not a list`);
  return list.length;
}

/** Sets a value, writing as little as it can: a map or a list set to a like one is set key by key, item by item. */
function setText(text: string, path: DataPath, value: unknown): string {
  const parsed = parseText(text);
  const { found, collection, rest, atEmpty } = walk(parsed, path);
  const old = dataAt(parsed.data, path);
  if (rest.length === 0) {
    if (deepEqual(old, value)) return text;
    const here = found.at(-1)!;
    const node = here.node;
    if (isMap(node) && isRecord(value) && isRecord(old) && Object.keys(value).length > 0) {
      // New keys first, then the old ones go: the map is never empty on the way (it would turn into `{}`).
      let next = text;
      for (const [key, v] of Object.entries(value)) if (!Object.hasOwn(old, key)) next = setText(next, [...path, key], v);
      for (const key of Object.keys(old)) if (!Object.hasOwn(value, key)) next = deleteText(next, [...path, key]);
      for (const [key, v] of Object.entries(value)) if (Object.hasOwn(old, key)) next = setText(next, [...path, key], v);
      return next;
    }
    if (isSeq(node) && Array.isArray(value) && Array.isArray(old) && value.length > 0 && old.length > 0) {
      let next = text;
      for (let i = old.length - 1; i >= value.length; i--) next = deleteText(next, [...path, i]);
      for (let i = 0; i < Math.min(old.length, value.length); i++) next = setText(next, [...path, i], value[i]);
      for (let i = old.length; i < value.length; i++) next = insertText(next, { list: path, index: i }, { value: value[i] });
      return next;
    }
    guardPlain(node, path);
    return replaceValue(parsed, here, value);
  }
  if (rest.some((k) => typeof k === 'number'))
    refuse(`${showPath(path)} cannot be set: no item ${rest.find((k) => typeof k === 'number')} in the list there`);
  const nested = rest.slice(1).reduceRight<unknown>((v, key) => ({ [key]: v }), value);
  // `key:` with nothing after it (null) becomes the map the path goes through.
  if (atEmpty) return replaceValue(parsed, found.at(-1)!, { [rest[0]!]: nested });
  if (!isMap(collection)) return refuse(`${showPath(path.slice(0, found.length))} is a list: no item ${String(rest[0])}`);
  return addPair(parsed, collection, rest[0] as string, nested, path.slice(0, found.length));
}

function deleteText(text: string, path: DataPath): string {
  const parsed = parseText(text);
  const { found, rest } = walk(parsed, path);
  if (rest.length > 0 || found.length < path.length) return refuse(`nothing at ${showPath(path)} to delete`);
  const here = found.at(-1)!;
  guardPlain(here.node, path);
  if (here.pair) guardPlain(here.pair.key, path);
  const parent = found.at(-2);
  return isMap(here.parent) ? deletePair(parsed, here, parent) : deleteItem(parsed, here, parent);
}

/** Inserts an item into a list, making the list first where it is missing or empty (`key:`). */
function insertText(text: string, place: ListPlace, content: ItemContent): string {
  let parsed = parseText(text);
  let { found, rest } = walk(parsed, place.list);
  const here = () => found.at(-1);
  const node = rest.length === 0 ? here()?.node : undefined;
  if (rest.length > 0 || node === null || node === undefined || (!isSeq(node) && (node as { value?: unknown }).value === null)) {
    text = setText(text, place.list, []);
    parsed = parseText(text);
    ({ found, rest } = walk(parsed, place.list));
  }
  const list = here();
  if (rest.length > 0 || !list || !isSeq(list.node)) return refuse(`${showPath(place.list)} is not a list`);
  return insertItem(parsed, list, place.index, content, (dataAt(parsed.data, place.list) as unknown[]) ?? []);
}

function moveStep(text: string, data: unknown, ref: string, where: Parameters<typeof resolveWhere>[1]): string {
  const visitStep = resolveStep(data, ref);
  const from = visitStep.path;
  const fromList = from.slice(0, -1);
  const fromIndex = from.at(-1) as number;
  const target = resolveWhere(data, where);
  if (startsWith(target.list, from)) refuse(`step '${visitStep.id}' cannot move into itself`);
  if (sameList(target.list, fromList) && (target.index === fromIndex || target.index === fromIndex + 1)) return text;
  const parsed = parseText(text);
  const { found } = walk(parsed, from);
  const here = found.at(-1)!;
  guardPlain(here.node, from);
  const value = dataAt(data, from);
  const content = itemContent(parsed, here.parent, fromIndex, value);
  // Removing the step first shifts the places after it in its list (and in lists under those steps).
  const list = [...target.list];
  let index = target.index;
  if (sameList(list, fromList) && index > fromIndex) index--;
  else if (startsWith(list, fromList) && list.length > fromList.length && (list[fromList.length] as number) > fromIndex) {
    list[fromList.length] = (list[fromList.length] as number) - 1;
  }
  const next =
    bothAtOnce(text, deleteText(text, from), insertText(text, target, content)) ??
    insertText(deleteText(text, from), { list, index }, content);
  deleteData(data, from);
  insertData(data, list, index, value);
  return next;
}

/**
 * Two changes made to the same text, as one: each is the one run of characters it replaced
 * (between what it kept at both ends), and apart they compose. Saves parsing the text between a
 * move's removal and its insertion; undefined when the runs touch (then they are made in turn).
 */
function bothAtOnce(base: string, a: string, b: string): string | undefined {
  const run = (changed: string) => {
    let start = 0;
    const most = Math.min(base.length, changed.length);
    while (start < most && base[start] === changed[start]) start++;
    let end = 0;
    while (end < most - start && base[base.length - 1 - end] === changed[changed.length - 1 - end]) end++;
    return { from: start, to: base.length - end, insert: changed.slice(start, changed.length - end) };
  };
  const [first, second] = [run(a), run(b)].sort((x, y) => x.from - y.from) as [ReturnType<typeof run>, ReturnType<typeof run>];
  if (first.to >= second.from) return undefined;
  return base.slice(0, first.from) + first.insert + base.slice(first.to, second.from) + second.insert + base.slice(second.to);
}

const sameList = (a: DataPath, b: DataPath): boolean => a.length === b.length && startsWith(a, b);
const startsWith = (path: DataPath, prefix: DataPath): boolean => prefix.length <= path.length && prefix.every((k, i) => path[i] === k);

/** Where `setStep` writes: a key of the step's own map, the kind itself, or a key of the kind's body. */
function setStepPath(data: unknown, ref: string, key: string, value: unknown): { path: DataPath; value: unknown } {
  const visitStep = resolveStep(data, ref);
  const raw = dataAt(data, visitStep.path);
  if (typeof raw === 'string') {
    return { path: visitStep.path, value: key === raw ? { [key]: value } : { [raw]: null, [key]: value } };
  }
  if (key === visitStep.kind || STEP_KEYS.has(key) || (isRecord(raw) && Object.hasOwn(raw, key)))
    return { path: [...visitStep.path, key], value };
  if (!visitStep.kind)
    return refuse(`step '${visitStep.id}' has ${visitStep.kinds.length ? 'more than one kind' : 'no kind'}: set a key by its path`);
  if (visitStep.body !== null && visitStep.body !== undefined && !isRecord(visitStep.body)) {
    return refuse(
      `step '${visitStep.id}' is a ${visitStep.kind} written as one value: it has no key '${key}' (set '${visitStep.kind}' itself)`,
    );
  }
  return { path: [...visitStep.path, visitStep.kind, key], value };
}
