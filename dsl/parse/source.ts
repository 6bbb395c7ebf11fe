import { createRequire } from 'node:module';
import type { Document, LineCounter, Node } from 'yaml';
import type * as Yaml from 'yaml';
import { declareFindings, type Diagnostic, type Position } from './diagnostics.ts';
import type { DataPath } from '../language/data-path.ts';
import { quickParse, type QuickParse } from './quick-parse.ts';

/** What reading the YAML reports (the findings before any data exists). */
export const SYNTAX_FINDINGS = declareFindings({
  ids: {
    'yaml-syntax': 'the file is not well-formed YAML',
    'duplicate-key': 'a key appears twice in the same map',
    'one-flow-per-file': 'a file holds more than one YAML document',
  },
});

/**
 * yaml takes ~60 ms to load and only files with a finding need it (dsl/parse/quick-parse.ts), so a
 * save hook checking a valid file never loads it. Its CommonJS build is what `import` loads too.
 */
let loaded: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (loaded ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

/** A parsed YAML file that can still answer "where is this value?" for any path into its data. */
export interface SourceFile {
  file: string;
  text: string;
  data: unknown;
  /** yaml's nodes with their places: read on first use when the fast path read the data (dsl/parse/quick-parse.ts). */
  readonly doc: Document;
  readonly lineCounter: LineCounter;
  /** The fast read's line of a value, where it can tell (see lineOf). */
  readonly quickLine?: (path: DataPath) => number | undefined;
}

export interface ParseResult {
  source?: SourceFile;
  diagnostics: Diagnostic[];
}

const ALIAS_LIMIT = 100;

function readDocuments(text: string) {
  const lineCounter = new (yaml().LineCounter)();
  // resolveKnownTags off: `!!binary`, `!!timestamp` and the like stay plain text, as a flow expects.
  const docs = yaml().parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, resolveKnownTags: false });
  return { docs, lineCounter };
}

/** A file the fast path read: yaml reads it for places only when a finding asks where. */
function placesOnDemand(file: string, text: string, quick: QuickParse): SourceFile {
  let places: { doc: Document; lineCounter: LineCounter } | undefined;
  const read = () => {
    if (places) return places;
    const { docs, lineCounter } = readDocuments(text);
    return (places = { doc: (docs as Document[])[0]!, lineCounter });
  };
  return {
    file,
    text,
    data: quick.data,
    quickLine: quick.lineOf,
    get doc() {
      return read().doc;
    },
    get lineCounter() {
      return read().lineCounter;
    },
  };
}

export function parseSource(file: string, text: string): ParseResult {
  const quick = quickParse(text);
  if (quick !== undefined) return { source: placesOnDemand(file, text, quick), diagnostics: [] };
  const { docs, lineCounter } = readDocuments(text);
  const diagnostics: Diagnostic[] = [];
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    for (const error of doc.errors) diagnostics.push(syntaxDiagnostic(file, text, lineCounter, error.code, error.message, error.pos));
    for (const warning of doc.warnings) {
      diagnostics.push({ ...syntaxDiagnostic(file, text, lineCounter, warning.code, warning.message, warning.pos), severity: 'warning' });
    }
  }
  if (list.length > 1) {
    const second = list[1]!;
    const at = second.range?.[0] ?? 0;
    diagnostics.push(
      SYNTAX_FINDINGS.finding(
        file,
        span(lineCounter, at, at),
        'one-flow-per-file',
        'this file holds more than one YAML document; a flow file holds exactly one flow',
        { hint: 'move the flow after the `---` into a file of its own' },
      ),
    );
  }
  const doc = list[0];
  if (doc !== undefined) diagnostics.push(...collectionKeys(file, doc, lineCounter));
  if (diagnostics.some((d) => d.severity === 'error') || doc === undefined) return { diagnostics: onePerPlace(diagnostics) };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: ALIAS_LIMIT });
  } catch (error) {
    diagnostics.push(
      SYNTAX_FINDINGS.finding(file, span(lineCounter, 0, 0), 'yaml-syntax', `the YAML cannot be read: ${(error as Error).message}`, {
        hint: `use fewer aliases (*name); at most ${ALIAS_LIMIT} are expanded`,
      }),
    );
    return { diagnostics };
  }
  return { source: { file, text, data, doc, lineCounter }, diagnostics };
}

/** A list or map used as a key (`? [a, b]: x`) has no meaning in a flow; YAML would stringify it. */
function collectionKeys(file: string, doc: Document, lineCounter: LineCounter): Diagnostic[] {
  const found: Diagnostic[] = [];
  yaml().visit(doc, {
    Pair(_, pair) {
      const key = yaml().isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      if (yaml().isCollection(key)) {
        const range = (pair.key as Node).range ?? [0, 0, 0];
        found.push(
          SYNTAX_FINDINGS.finding(
            file,
            span(lineCounter, range[0], range[1]),
            'yaml-syntax',
            'YAML syntax: a key must be plain text, not a list or map',
            {
              hint: 'check for a stray `?`, `[` or `{` before the colon',
            },
          ),
        );
      }
    },
  });
  return found;
}

function syntaxDiagnostic(
  file: string,
  text: string,
  lineCounter: LineCounter,
  code: string,
  message: string,
  pos: [number, number],
): Diagnostic {
  // What the parser's error code and place leave open there, read from yaml's own lexer (never
  // from the wording of its messages, which may change between versions).
  const open = code === 'MISSING_CHAR' || code === 'BAD_INDENT' ? openAt(text, pos[0]) : {};
  // An unclosed quote is only noticed at the end of the file; point at the quote that opened it.
  const quote = code === 'MISSING_CHAR' ? open.quote : undefined;
  const start = quote ? quote.offset : pos[0];
  const where = span(lineCounter, start, quote ? start + 1 : pos[1]);
  if (quote) {
    return SYNTAX_FINDINGS.finding(file, where, 'yaml-syntax', `YAML syntax: this ${quote.char} quote is never closed`, {
      hint: `end the value with ${quote.char} on the same line`,
    });
  }
  // An unclosed `{` or `[` is also noticed only where the text goes on without it; point at the opener.
  const flow = code === 'BAD_INDENT' ? open.flow : undefined;
  if (flow) {
    const [kind, closer] = flow.char === '{' ? ['map', '}'] : ['list', ']'];
    return SYNTAX_FINDINGS.finding(
      file,
      span(lineCounter, flow.offset, flow.offset + 1),
      'yaml-syntax',
      `YAML syntax: this ${flow.char} is never closed`,
      {
        hint: `end the ${kind} with ${closer} on the same line, or write it as indented lines`,
      },
    );
  }
  if (code === 'DUPLICATE_KEY') {
    const key = text.slice(pos[0], pos[1]).split(':')[0]?.trim() || 'this key';
    return SYNTAX_FINDINGS.finding(file, where, 'duplicate-key', `duplicate key '${key}': a key may appear only once in the same map`, {
      hint: 'merge the two entries or remove one; YAML would silently keep only one of them',
    });
  }
  // Parsed without prettyErrors: the message is the parser's sentence alone (ours prints the place and a frame).
  const first = message.split('\n')[0]!;
  const generic: Diagnostic = SYNTAX_FINDINGS.finding(file, where, 'yaml-syntax', `YAML syntax: ${first}`, { hint: yamlHint(code) });
  parserWording.add(generic);
  return generic;
}

/** Findings that repeat the parser's own words, rather than say what the mistake is. */
const parserWording = new WeakSet<Diagnostic>();

/**
 * One mistake often trips several parser errors at the same place ("Implicit keys need to be on
 * a single line", "… followed by map values", a collection key): show one, ours before the parser's.
 */
function onePerPlace(diagnostics: Diagnostic[]): Diagnostic[] {
  const best = new Map<string, Diagnostic>();
  for (const d of diagnostics) {
    const place = `${d.line}:${d.column}:${d.severity}`;
    const kept = best.get(place);
    if (!kept || (parserWording.has(kept) && !parserWording.has(d))) best.set(place, d);
  }
  const shown = new Set(best.values());
  return diagnostics.filter((d) => shown.has(d));
}

interface Opened {
  char: string;
  offset: number;
}

/**
 * What is still open at `at`, by yaml's lexer: a quoted scalar that runs past it without its
 * closing quote, and the innermost `{` / `[` not closed before it.
 */
function openAt(text: string, at: number): { quote?: Opened; flow?: Opened } {
  const flows: Opened[] = [];
  let offset = 0;
  for (const token of new (yaml().Lexer)().lex(text)) {
    // The lexer also yields control tokens (document start, scalar and flow-end markers) that are not in the text.
    if (token.length === 1 && token < ' ' && token !== '\n' && token !== '\r' && token !== '\t') continue;
    if (offset >= at) break;
    const char = token[0];
    if ((char === '"' || char === "'") && offset + token.length >= at && !(token.length > 1 && token.endsWith(char)))
      return { quote: { char, offset } };
    if (token === '{' || token === '[') flows.push({ char: token, offset });
    else if (token === '}' || token === ']') flows.pop();
    offset += token.length;
  }
  return { flow: flows.at(-1) };
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation: items of the same list or map start in the same column, with spaces, not tabs';
    case 'TAB_AS_INDENT':
      return 'indent with spaces; YAML does not allow tabs';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a `key: value` pair is missing its colon, or a value needs quotes';
    case 'UNEXPECTED_TOKEN':
      return 'quote values that contain `: `, `#`, `{`, `[` or start with `*`, `&`, `!`, `%`, `@`';
    default:
      return undefined;
  }
}

function span(lineCounter: LineCounter, start: number, end: number): Position {
  const a = lineCounter.linePos(start);
  const b = lineCounter.linePos(Math.max(start, end));
  return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

/** The line a value starts on: from the fast read when it can tell (every step of a flow, the compiler asks), else from yaml. */
export const lineOf = (source: SourceFile, path: DataPath): number => source.quickLine?.(path) ?? locate(source, path).line;

/**
 * Where a value (or, with `key`, the key naming it) sits in the file. A path that does not
 * resolve all the way points at its deepest existing ancestor, so every finding has a place.
 */
export function locate(source: SourceFile, path: DataPath, target: 'value' | 'key' = 'value'): Position {
  let node: unknown = source.doc.contents;
  let keyNode: Node | undefined;
  for (const segment of path) {
    const next = child(node, segment);
    if (next === undefined) break;
    node = next.value ?? next.key ?? node;
    keyNode = next.key;
    if (next.value === undefined) break;
  }
  const chosen = target === 'key' && keyNode ? keyNode : yaml().isNode(node) ? node : keyNode;
  const range = chosen?.range ?? [0, 0, 0];
  return span(source.lineCounter, range[0], range[1]);
}

function child(node: unknown, segment: string | number): { key?: Node; value?: Node } | undefined {
  if (yaml().isMap(node)) {
    const pair = node.items.find((p) => (yaml().isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
    if (!pair) return undefined;
    return { key: yaml().isNode(pair.key) ? pair.key : undefined, value: yaml().isNode(pair.value) ? pair.value : undefined };
  }
  if (yaml().isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return yaml().isNode(item) ? { value: item } : undefined;
  }
  return undefined;
}
