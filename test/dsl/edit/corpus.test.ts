import { diffLines } from 'diff';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument, isScalar, visit, type Scalar } from 'yaml';
import { applyEdit, applyEdits, stepPlaces, type FlowEdit } from '../../../dsl/edit/index.ts';
import { commentCounts, commentsOf, corpus, errorsOf } from './helpers.ts';

/** The one run of lines an edit replaced: the lines between the common first and last lines of both texts. */
function lineChanges(before: string, after: string) {
  const a = before.replace(/\r\n/g, '\n').split('\n');
  const b = after.replace(/\r\n/g, '\n').split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return {
    removed: a.slice(start, a.length - end).map((text, i) => ({ line: start + i, text })),
    added: b.slice(start, b.length - end).map((text) => ({ at: start, text })),
  };
}

/** Every line removed and added, wherever (a move changes two places). */
function allLineChanges(before: string, after: string) {
  const removed: string[] = [];
  const added: string[] = [];
  for (const part of diffLines(before.replace(/\r\n/g, '\n'), after.replace(/\r\n/g, '\n'))) {
    const texts = part.value.replace(/\n$/, '').split('\n');
    if (part.added) added.push(...texts);
    else if (part.removed) removed.push(...texts);
  }
  return { removed, added };
}

const ok = (result: ReturnType<typeof applyEdit>): string => {
  if (!result.ok) throw new Error(result.reason);
  return result.text;
};

/** Every single-line scalar of a file (not a key, not `|`/`>`), with its path and how it is quoted. */
function scalarLeaves(text: string): Array<{ path: (string | number)[]; value: unknown; type: Scalar.Type | undefined }> {
  const doc = parseDocument(text.replace(/\r\n/g, '\n'));
  const out: Array<{ path: (string | number)[]; value: unknown; type: Scalar.Type | undefined }> = [];
  visit(doc, {
    Scalar(key, node, path) {
      if (key === 'key' || node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return;
      if (typeof node.value === 'string' && node.value.includes('\n')) return;
      const dataPath: (string | number)[] = [];
      for (let i = 1; i < path.length; i++) {
        const at = path[i] as { key?: unknown };
        if (at && typeof at === 'object' && 'key' in at && isScalar(at.key)) dataPath.push(String(at.key.value));
        const parent = path[i - 1] as { items?: unknown[] };
        if (Array.isArray(parent?.items) && !('key' in (at as object))) dataPath.push(parent.items.indexOf(at));
      }
      const last = path.at(-1) as { items?: unknown[] };
      if (Array.isArray(last?.items) && key !== 'value') dataPath.push(key as number);
      out.push({ path: dataPath, value: node.value, type: node.type });
    },
  });
  return out;
}

const changed = (value: unknown): unknown =>
  typeof value === 'number' ? value + 1 : typeof value === 'boolean' ? !value : value === null ? 'x' : `${String(value)}-x`;

/** This machine is shared: the corpus-wide tests get room beyond vitest's 30 s. */
const SLOW = 120_000;

describe('the YAML writer over the corpus', () => {
  it(
    'has at least 30 flow files, the CRLF ones CRLF, every one a valid flow',
    () => {
      expect(corpus.length).toBeGreaterThanOrEqual(30);
      const crlf = corpus.filter((f) => f.name.startsWith('crlf-'));
      expect(crlf.length).toBeGreaterThan(0);
      for (const f of crlf)
        expect(
          f.text
            .split('\n')
            .slice(0, -1)
            .every((l) => l.endsWith('\r')),
        ).toBe(true);
      for (const f of corpus) expect(errorsOf(f.text), f.name).toEqual([]);
    },
    SLOW,
  );

  it(
    'leaves every file byte-identical when nothing changes',
    () => {
      for (const { name, text } of corpus) {
        expect(ok(applyEdits(text, [])), name).toBe(text);
        const data = parse(text) as { flow: string; steps: unknown[] };
        expect(ok(applyEdit(text, { op: 'set', path: ['flow'], value: data.flow })), name).toBe(text);
        expect(ok(applyEdit(text, { op: 'set', path: ['steps'], value: data.steps })), name).toBe(text);
        const first = stepPlaces(text)![0]!;
        expect(ok(applyEdit(text, { op: 'moveStep', step: first.position, where: { top: 0 } })), name).toBe(text);
      }
    },
    SLOW,
  );

  it(
    'changes exactly one line for a scalar set, keeping its quoting',
    () => {
      let sets = 0;
      for (const { name, text } of corpus) {
        const counts = commentCounts(text);
        // A spread of each file's scalars: every fourth one.
        for (const leaf of scalarLeaves(text).filter((_, i) => i % 4 === 0)) {
          const value = changed(leaf.value);
          const after = ok(applyEdit(text, { op: 'set', path: leaf.path, value }));
          const { removed, added } = lineChanges(text, after);
          expect(removed.length, `${name} ${leaf.path.join('.')}`).toBe(1);
          expect(added.length).toBe(1);
          expect(added[0]!.at).toBe(removed[0]!.line);
          if (leaf.type === 'QUOTE_DOUBLE' && typeof value === 'string') expect(added[0]!.text).toContain(`"${value}"`);
          if (leaf.type === 'QUOTE_SINGLE' && typeof value === 'string') expect(added[0]!.text).toContain(`'${value}'`);
          expect(commentCounts(after)).toEqual(counts);
          sets++;
        }
      }
      expect(sets).toBeGreaterThan(250);
    },
    SLOW,
  );

  it(
    'removes exactly the lines of a step (its own comments with it) and no other comment',
    () => {
      for (const { name, text } of corpus) {
        const before = commentsOf(text);
        const counts = commentCounts(text);
        for (const place of stepPlaces(text)!.filter((_, i) => i % 2 === 0)) {
          const after = ok(applyEdit(text, { op: 'removeStep', step: place.position }));
          const { removed, added } = lineChanges(text, after);
          const dashLine = text.replace(/\r\n/g, '\n').split('\n')[place.line - 1]!;
          expect(
            removed.map((r) => r.text),
            `${name} ${place.position}`,
          ).toContain(dashLine);
          // A list left empty becomes `key: []` on its key's line; otherwise nothing is added.
          if (added.length) {
            expect(added).toHaveLength(1);
            expect(added[0]!.text).toMatch(/: \[\]$/);
          }
          const gone = before.filter((c) => c.ownerPath && place.path.every((k, i) => c.ownerPath![i] === k));
          const expected = new Map(counts);
          for (const c of gone) expected.delete(c.text);
          expect(commentCounts(after), `${name} ${place.position}`).toEqual(expected);
        }
      }
    },
    SLOW,
  );

  it(
    'adds a step as new lines only, indented like its list',
    () => {
      for (const { name, text } of corpus) {
        const places = stepPlaces(text)!;
        const counts = commentCounts(text);
        for (const [i, place] of places.entries()) {
          const lines = text.replace(/\r\n/g, '\n').split('\n');
          const inFlowList = !lines[place.line - 1]!.trimStart().startsWith('-');
          for (const where of i % 2 ? [{ before: place.position }] : [{ after: place.position }]) {
            const after = ok(applyEdit(text, { op: 'addStep', step: { id: 'added-step', wait: '1d' }, where }));
            const { removed, added } = lineChanges(text, after);
            if (inFlowList) {
              // `then: [ exit ]` becomes a block list: its one line is replaced by its items' lines.
              expect(removed.map((r) => r.line)).toEqual([place.line - 1]);
              expect(added.map((a) => a.text.trim())).toEqual(expect.arrayContaining(['- id: added-step', 'wait: 1d']));
            } else {
              expect(removed, `${name} ${JSON.stringify(where)}`).toEqual([]);
              expect(added.map((a) => a.text.trim())).toEqual(['- id: added-step', 'wait: 1d']);
              expect(added[0]!.text.indexOf('-')).toBe(lines[place.line - 1]!.indexOf('-'));
            }
            expect(commentCounts(after)).toEqual(counts);
            // A step after an `exit` could never run: the flow is still well formed, not valid.
            if (i % 4 === 0 && place.kind !== 'exit') expect(errorsOf(after), name).toEqual([]);
          }
        }
      }
    },
    SLOW,
  );

  it(
    'moves a step with its comments, changing only its own lines',
    () => {
      let moves = 0;
      for (const { name, text } of corpus) {
        const places = stepPlaces(text)!;
        const top = places.filter((p) => p.path.length === 2);
        const owners = (t: string) => new Map(commentsOf(t).map((c) => [c.text, c.owner]));
        const ownersBefore = owners(text);
        for (const [i, step] of places.entries()) {
          for (const target of [i % 2 ? top[0]! : top.at(-1)!]) {
            if (target.path.every((k, i) => step.path[i] === k)) continue;
            const edit: FlowEdit = { op: 'moveStep', step: step.position, where: { after: target.position } };
            const after = ok(applyEdit(text, edit));
            if (after === text) continue;
            const { removed, added } = allLineChanges(text, after);
            const reshaped =
              added.some((a) => /: \[\]$/.test(a)) || !/^\s*-/.test(text.replace(/\r\n/g, '\n').split('\n')[target.line - 1]!);
            if (!reshaped) {
              const trimmed = (ls: string[]) =>
                ls
                  .map((l) => l.trim())
                  .filter(Boolean)
                  .sort();
              expect(trimmed(added), `${name} ${step.position}`).toEqual(trimmed(removed));
            }
            expect(owners(after), `${name} ${step.position}`).toEqual(ownersBefore);
            if (moves % 5 === 0 && step.kind !== 'exit' && target.kind !== 'exit')
              expect(errorsOf(after), `${name} ${step.position}`).toEqual([]);
            moves++;
          }
        }
      }
      expect(moves).toBeGreaterThan(150);
    },
    SLOW,
  );

  it(
    'keeps CRLF files CRLF through every kind of edit',
    () => {
      for (const { name, text } of corpus.filter((f) => f.name.startsWith('crlf-'))) {
        let after = text;
        const edits: FlowEdit[] = [
          { op: 'addStep', step: { wait: '2d' }, where: { top: 0 } },
          { op: 'moveStep', step: '#1', where: { after: '#3' } },
          { op: 'removeStep', step: '#2' },
          { op: 'set', path: ['name'], value: 'Renamed' },
          { op: 'setStep', step: '#1', key: 'id', value: 'renamed-step' },
        ];
        for (const edit of edits) after = ok(applyEdit(after, edit));
        expect(after).not.toBe(text);
        expect(after.replace(/\r\n/g, ''), name).not.toContain('\n');
      }
    },
    SLOW,
  );
});
