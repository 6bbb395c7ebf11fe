import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { describe, expect, it } from 'vitest';
import { quickParse } from '../../../dsl/parse/quick-parse.ts';
import { locate } from '../../../dsl/parse/source.ts';
import type { DataPath } from '../../../dsl/language/data-path.ts';
import { mutate, random } from '../../helpers/mutate.ts';

/** What dsl/parse/source.ts reads: the data when `yaml` finds no error or warning, else undefined. */
function fullParse(text: string): unknown {
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, resolveKnownTags: false });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length !== 1 || list[0]!.errors.length || list[0]!.warnings.length) return undefined;
  try {
    return list[0]!.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

/** Every path into the data, each map value and list item. */
function* paths(value: unknown, path: DataPath = []): Generator<DataPath> {
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    yield [...path, key];
    yield* paths(v, [...path, key]);
  }
}

/**
 * The fast path either defers (undefined) or reads exactly what `yaml` reads, with no finding it
 * would miss, and every line it gives is the line yaml locates.
 */
function expectSameOrDeferred(text: string, label: string) {
  const quick = quickParse(text);
  if (quick === undefined) return false;
  const full = fullParse(text);
  expect(full, `${label}: yaml finds a mistake the fast path missed\n--- input ---\n${text}`).not.toBeUndefined();
  expect(quick.data, `${label}\n--- input ---\n${text}`).toStrictEqual(full);
  const lineCounter = new LineCounter();
  const doc = parseAllDocuments(text, { lineCounter, uniqueKeys: true, resolveKnownTags: false }) as Document[];
  const source = { file: 'f.yaml', text, data: full, doc: doc[0]!, lineCounter };
  for (const path of paths(full)) {
    const line = quick.lineOf(path);
    if (line !== undefined) expect(line, `${label}: line of ${path.join('.')}\n--- input ---\n${text}`).toBe(locate(source, path).line);
  }
  return true;
}

const examples = readdirSync('flows').map((f) => readFileSync(join('flows', f), 'utf8'));

describe('the fast reading of a flow file', () => {
  it('reads every example flow as yaml does, without deferring', () => {
    for (const [i, text] of examples.entries()) expect(expectSameOrDeferred(text, `example ${i}`)).toBe(true);
  });

  it('reads scalars by YAML 1.2 core rules, as yaml does (no YAML 1.1 numbers, booleans or dates)', () => {
    const scalars = [
      '1_000',
      '0o17',
      '017',
      '0x1F',
      '0b101',
      '.inf',
      '-.Inf',
      '+.INF',
      '.nan',
      '.NaN',
      '1e3',
      '1E-3',
      '1.5',
      '+1',
      '-0',
      '.5',
      '5.',
      '1.2.3',
      'yes',
      'no',
      'on',
      'off',
      'y',
      'n',
      '~',
      'null',
      'Null',
      'NULL',
      'nULL',
      'true',
      'True',
      'TRUE',
      'tRUE',
      'false',
      '2026-01-01',
      '2026-01-01T10:00:00Z',
      '12:30',
      '1:30:00',
      '"123"',
      "'true'",
      '"~"',
      '""',
      "''",
      '"\\u00e9\\x41\\t"',
      "'it''s'",
      '9999999999999999999999',
      '0.1e+2',
      '1e309',
      '-',
      '=',
      '<<',
      'a # comment',
      '"a # not a comment"',
    ];
    for (const s of scalars) expectSameOrDeferred(`value: ${s}\n`, s);
    for (const s of scalars) expectSameOrDeferred(`${s}: value\n`, `key ${s}`);
  });

  it('reads block and flow scalars, empty values and special keys as yaml does', () => {
    const texts = [
      'a: |\n  line one\n  line two\n\n',
      'a: >\n  folded\n  text\n\n  para\n',
      'a: |-\n  x\nb: >+\n  y\n\n',
      'a:\n  - 1\n  - [2, "3", { c: d }]\n  - { e: , f: ~ }\nb:\n',
      'a: plain\n  continued\n  lines\n',
      '__proto__: { polluted: true }\nconstructor: x\n',
      'a: { __proto__: [1] }\n',
      '---\na: 1\n',
      '---\na: 1\n...\n',
      '"quoted key": 1\n\'single\': 2\n',
      'a: "multi\n  line\n  quoted"\n',
      'a: b: c\n',
      'a:\n- b\n- c\n',
      'a: 1\na: 2\n',
      'a: 1\n---\nb: 2\n',
    ];
    for (const [i, t] of texts.entries()) expectSameOrDeferred(t, `text ${i}`);
  });

  it('reads 5,000 mutated example flows as yaml does, or leaves them to yaml', () => {
    const next = random(20261124);
    let read = 0;
    for (let round = 0; round < 5_000; round++) {
      let text = examples[round % examples.length]!;
      const edits = 1 + Math.floor(next() * 3);
      for (let e = 0; e < edits; e++) text = mutate(text, next);
      if (expectSameOrDeferred(text, `round ${round}`)) read++;
    }
    // Most mutated files still parse: the fast path must have read many, or this test proves little.
    expect(read).toBeGreaterThan(1_000);
  }, 120_000);
});
