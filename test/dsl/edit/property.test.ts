import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyEdit, type FlowEdit, type Where } from '../../../dsl/edit/index.ts';
import { commentCounts, commentsOf, corpus, errorsOf } from './helpers.ts';
import { oracle, places } from './oracle.ts';

/** The shortest corpus files (a CRLF one among them): the property runs a thousand sequences on a shared 2-core machine. */
const files = [...corpus].sort((a, b) => a.text.length - b.text.length).slice(0, 12);
if (!files.some((f) => f.name.startsWith('crlf-'))) files.push(corpus.find((f) => f.name.startsWith('crlf-'))!);

/** Each file's comments before any edit, read once. */
const start = files.map((f) => ({ counts: commentCounts(f.text), owners: new Map(commentsOf(f.text).map((c) => [c.text, c.owner])) }));

const DURATIONS = ['1d', '2h', '30m', '3d', '45s', '10d'];
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An abstract edit: numbers pick the steps and places in whatever the flow is when it runs. */
const choice = fc.record({
  t: fc.constantFrom('wait', 'template', 'remove', 'move', 'add', 'addText', 'set', 'delete', 'insert'),
  a: fc.nat(),
  b: fc.nat(),
  w: fc.nat(3),
  v: fc.nat(9),
});
type Choice = { t: string; a: number; b: number; w: number; v: number };

/** The concrete edit a choice makes on the data as it is now; undefined when there is nothing to make it on. */
function editFor(c: Choice, data: unknown, n: number): FlowEdit | undefined {
  const all = places(data);
  const stepAt = (path: readonly (string | number)[]) => path.reduce<unknown>((at, k) => (at as Record<string | number, unknown>)[k], data);
  const ref = (p: (typeof all)[number]) => (c.v % 2 && p.id !== p.position ? p.id : p.position);
  const top = all.filter((p) => p.path.length === 2);
  const p = all[c.a % all.length]!;
  const q = all[c.b % all.length]!;
  const near = (): Where => (c.w % 2 ? { after: ref(q) } : { before: ref(q) });
  switch (c.t) {
    case 'wait': {
      const waits = all.filter((s) => isMap(stepAt(s.path)) && typeof (stepAt(s.path) as Record<string, unknown>).wait === 'string');
      const s = waits[c.a % Math.max(1, waits.length)];
      return s && { op: 'setStep', step: ref(s), key: 'wait', value: DURATIONS[c.v % DURATIONS.length] };
    }
    case 'template': {
      const mails = all.filter((s) => isMap(stepAt(s.path)) && isMap((stepAt(s.path) as Record<string, unknown>).send_email));
      const s = mails[c.a % Math.max(1, mails.length)];
      return s && { op: 'setStep', step: ref(s), key: 'template', value: c.w % 2 ? `tpl-${c.v}` : `"quoted" tpl ${c.v}` };
    }
    case 'remove':
      if (p.path.length === 2 && top.length === 1) return undefined;
      return { op: 'removeStep', step: ref(p) };
    case 'move': {
      if (c.w === 3) return { op: 'moveStep', step: ref(p), where: { top: c.b % (top.length + 1) } };
      const target = stepAt(q.path);
      const branches = !isMap(target)
        ? []
        : isMap(target.check) || isMap(target.wait_for)
          ? ['then', 'else']
          : target.split !== undefined
            ? (Array.isArray(target.split) ? target.split : ((target.split as Record<string, unknown>).branches as unknown[])).map(
                (_, i) => `branch${i + 1}`,
              )
            : [];
      if (c.w === 2 && branches.length)
        return { op: 'moveStep', step: ref(p), where: { into: ref(q), branch: branches[c.v % branches.length]!, index: 0 } };
      return { op: 'moveStep', step: ref(p), where: near() };
    }
    case 'add':
      return { op: 'addStep', step: { id: `new-step-${n}`, wait: DURATIONS[c.v % DURATIONS.length] }, where: near() };
    case 'addText':
      return {
        op: 'addStep',
        step: `# c${9000 + n}: an added step\nsend_event:\n  destination: moengage  # c${9100 + n}: beside\n  event: added_${n}\n`,
        where: near(),
      };
    case 'set':
      return c.w % 2
        ? { op: 'set', path: ['trigger', 'where'], value: { 'event.attributes.plan': { in: ['pro', `p${c.v}`] } } }
        : { op: 'set', path: ['name'], value: `Name: ${c.v} "x"` };
    case 'delete':
      return isMap(data) && data.status !== undefined ? { op: 'delete', path: ['status'] } : undefined;
    case 'insert': {
      const length = isMap(data) && Array.isArray(data.exit_when) ? data.exit_when.length : 0;
      return { op: 'insert', path: ['exit_when'], index: c.a % (length + 1), value: { event: `ev_${c.v}` } };
    }
  }
  return undefined;
}

/** The step lists a step branches into (not on_error: that runs only when a call fails). */
function branchLists(step: Record<string, unknown>): unknown[][] {
  const body = isMap(step.check) ? step.check : isMap(step.wait_for) ? step.wait_for : undefined;
  if (body) return [body.then, body.else].map((l) => (Array.isArray(l) ? l : []));
  const split = Array.isArray(step.split) ? step.split : isMap(step.split) ? step.split.branches : undefined;
  return Array.isArray(split) ? split.map((b) => (isMap(b) && Array.isArray(b.steps) ? b.steps : [])) : [];
}

/** An `exit`, or a branching step every branch of which ends in one. */
function alwaysExits(step: unknown): boolean {
  if (step === 'exit' || (isMap(step) && 'exit' in step)) return true;
  if (!isMap(step)) return false;
  const lists = branchLists(step);
  return lists.length > 0 && lists.every((l) => l.length > 0 && alwaysExits(l.at(-1)));
}

/** A step after one that always exits could never run: the flow stays well formed but no longer validates. */
function exitsBeforeOthers(data: unknown): boolean {
  let found = false;
  const look = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        if (i < v.length - 1 && alwaysExits(x)) found = true;
        look(x);
      });
    } else if (isMap(v)) Object.values(v).forEach(look);
  };
  look(data);
  return found;
}

describe('the YAML writer on random edit sequences', () => {
  it('writes what the edits mean (a plain-data oracle), keeps every comment beside its step, and keeps valid flows valid', () => {
    fc.assert(
      fc.property(fc.nat(files.length - 1), fc.array(choice, { minLength: 1, maxLength: 4 }), (fileIndex, choices) => {
        const file = files[fileIndex]!;
        let text = file.text;
        let data: unknown = parse(text);
        const expected = new Map(start[fileIndex]!.counts);
        const owners = start[fileIndex]!.owners;
        choices.forEach((c, n) => {
          const edit = editFor(c, data, n);
          if (!edit) return;
          let meant: unknown;
          try {
            meant = oracle(data, edit);
          } catch {
            meant = undefined;
          }
          if (edit.op === 'removeStep') {
            const path = places(data).find((p) => p.id === edit.step || p.position === edit.step)!.path;
            for (const comment of commentsOf(text)) {
              if (comment.ownerPath && path.every((k, i) => comment.ownerPath![i] === k)) expected.delete(comment.text);
            }
          }
          const result = applyEdit(text, edit);
          if (meant === undefined) {
            expect(result.ok, JSON.stringify(edit)).toBe(false);
            return;
          }
          if (!result.ok) throw new Error(`${file.name}: ${JSON.stringify(edit)} refused: ${result.reason}`);
          expect(parse(result.text), `${file.name}: ${JSON.stringify(edit)}`).toEqual(meant);
          if (edit.op === 'addStep' && typeof edit.step === 'string') {
            expected.set(`# c${9000 + n}: an added step`, 1);
            expected.set(`# c${9100 + n}: beside`, 1);
          }
          text = result.text;
          data = meant;
        });
        const after = commentsOf(text);
        const counts = new Map<string, number>();
        for (const c of after) counts.set(c.text, (counts.get(c.text) ?? 0) + 1);
        expect(counts, file.name).toEqual(expected);
        for (const comment of after) {
          const before = owners.get(comment.text);
          if (before?.startsWith('id:')) expect(comment.owner, `${file.name}: ${comment.text}`).toBe(before);
        }
        if (file.text.includes('\r\n')) expect(text.replace(/\r\n/g, '')).not.toContain('\n');
        if (!exitsBeforeOthers(data)) expect(errorsOf(text), `${file.name}\n${text}`).toEqual([]);
      }),
      {
        numRuns: Number(process.env.EDIT_PROPERTY_RUNS ?? 1000),
        seed: process.env.EDIT_PROPERTY_SEED ? Number(process.env.EDIT_PROPERTY_SEED) : undefined,
      },
    );
  }, 300_000);
});
