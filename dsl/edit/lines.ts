/** Offsets and lines of a text with LF line ends (CRLF is turned to LF before, and back after). */
export class Lines {
  readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.starts.push(i + 1);
  }

  get count(): number {
    return this.starts.length;
  }

  /** 0-based line of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  start(line: number): number {
    return this.starts[line] ?? this.text.length;
  }

  /** Offset of the line's end (its `\n`, or the text's end). */
  end(line: number): number {
    const next = this.starts[line + 1];
    return next === undefined ? this.text.length : next - 1;
  }

  /** Offset just past the line's `\n` (the next line's start, or the text's end). */
  after(line: number): number {
    return this.starts[line + 1] ?? this.text.length;
  }

  line(line: number): string {
    return this.text.slice(this.start(line), this.end(line));
  }

  column(offset: number): number {
    return offset - this.start(this.lineOf(offset));
  }

  indent(line: number): number {
    const text = this.line(line);
    return text.length - text.trimStart().length;
  }

  isBlank(line: number): boolean {
    return this.line(line).trim() === '';
  }

  /** Only spaces before this offset on its line. */
  firstOnLine(offset: number): boolean {
    return this.text.slice(this.start(this.lineOf(offset)), offset).trim() === '';
  }
}

/** Adds (or, negative, removes) leading spaces on every line but blank ones. */
export function reindent(block: string, by: number): string {
  if (by === 0) return block;
  return block
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return line;
      if (by > 0) return ' '.repeat(by) + line;
      const spaces = line.length - line.trimStart().length;
      return line.slice(Math.min(spaces, -by));
    })
    .join('\n');
}

/** Removes the common leading spaces of the non-blank lines. */
export function dedent(block: string): string {
  const spaces = block
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.length - l.trimStart().length);
  return reindent(block, -(spaces.length ? Math.min(...spaces) : 0));
}
