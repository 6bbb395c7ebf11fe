/** Deterministic random numbers (mulberry32), so a failing fuzz case can be replayed from its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPLACEMENTS = [
  '',
  '0',
  '-1',
  '1e309',
  '[]',
  '{}',
  '[a, b]',
  '{ x: 1 }',
  'null',
  '~',
  'true',
  '"',
  "'",
  '*alias',
  '&anchor x',
  '!!binary AAAA',
  '{{ bad',
  '"{{ event. }}"',
  'x'.repeat(500),
  '\t',
  ': :',
  '- - -',
  '9999999999999999999999d',
  '%',
  '@',
  '`',
];

/** One random edit of the kinds a person makes by accident: deletions, swaps, type changes. */
export function mutate(text: string, next: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const lines = text.split('\n');
  const i = Math.floor(next() * lines.length);
  const j = Math.floor(next() * lines.length);
  switch (Math.floor(next() * 8)) {
    case 0: // delete a line
      lines.splice(i, 1);
      return lines.join('\n');
    case 1: // swap two lines
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    case 2: {
      // delete a run of characters
      const at = Math.floor(next() * text.length);
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 20));
    }
    case 3: // change a value's type
      lines[i] = lines[i]!.replace(/:\s*(.*)$/, `: ${pick(REPLACEMENTS)}`);
      return lines.join('\n');
    case 4: // shift indentation
      lines[i] = next() < 0.5 ? `  ${lines[i]}` : lines[i]!.replace(/^ {1,2}/, '');
      return lines.join('\n');
    case 5: // duplicate a line
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    case 6: {
      // insert junk
      const at = Math.floor(next() * text.length);
      return text.slice(0, at) + pick(REPLACEMENTS) + text.slice(at);
    }
    default: // replace a word with a near miss
      lines[i] = lines[i]!.replace(/[a-z_]{3,}/, (w) => w.slice(0, -1) + pick(['x', '_', 'A', '']));
      return lines.join('\n');
  }
}
