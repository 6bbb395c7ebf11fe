import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompletionRequest,
  DefinitionRequest,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  HoverRequest,
  type CompletionItem,
  type Location,
  type MarkupContent,
} from 'vscode-languageserver-protocol';
import { main } from '../../cli/main.ts';
import { scratchRepo } from '../helpers/scratch-repo.ts';
import { startLsp, type LspClient } from './client.ts';
import { ruleFixtures } from './rule-fixtures.ts';
import type { ToolFinding } from '../../dsl/parse/diagnostics.ts';

/** One finding of `flows validate --format json`. */
type JsonFinding = ToolFinding;

const FIXTURES = Object.entries(ruleFixtures());
const fileName = (i: number) => `case-${String(i).padStart(2, '0')}.yaml`;

/** `flows validate --format json FILE`, run in the project's folder. */
async function validateJson(dir: string, file: string): Promise<JsonFinding[]> {
  let out = '';
  await main(['validate', '--format', 'json', file], { cwd: dir, out: (t) => (out += t), err: () => {} });
  return JSON.parse(out) as JsonFinding[];
}

/** What the editor should show for a finding of `flows validate --format json`. */
const asPublished = (f: JsonFinding) => ({
  range: { start: { line: f.line - 1, character: f.column - 1 }, end: { line: f.endLine - 1, character: f.endColumn - 1 } },
  severity: f.severity === 'error' ? 1 : 2,
  code: f.rule,
  source: 'flows',
  message: f.hint ? `${f.message}\n= hint: ${f.hint}` : f.message,
});

const SAMPLE = `flow: sample
trigger: { event: sign_up }
goals:
  - event: purchase
    within: 7d
steps:
  - send_push:
      destination: 
      body: Hi
  - send_email: { destination: sailthru, template: welcome }
  - id: welcome-test
    split:
      branches:
        - { label: A, percent: 40, steps: [ { wait: 1d } ] }
        - { label: B, percent: 40, steps: [ exit ] }
        - { label: holdout, percent: 20, control: true, steps: [] }
      pick_winner: { after: 7d, min_runs: 100, confidence: 0.95, winner:  }
  - wait_for:
      event: 
      timeout: 
  - 
`;

/** The 0-based position just after the first `needle` of `text` on or after line `fromLine`. */
function after(text: string, needle: string, fromLine = 0): { line: number; character: number } {
  const lines = text.split('\n');
  for (let line = fromLine; line < lines.length; line++) {
    const at = lines[line]!.indexOf(needle);
    if (at >= 0) return { line, character: at + needle.length };
  }
  throw new Error(`no '${needle}' in the sample`);
}

describe('flows lsp', () => {
  let dir: string;
  let lsp: LspClient;

  beforeAll(async () => {
    dir = scratchRepo(readFileSync('flows.config.yaml', 'utf8'));
    copyFileSync('flows/sailthru-welcome-series.yaml', join(dir, 'flows', 'sailthru-welcome-series.yaml'));
    lsp = await startLsp(dir, { watch: true });
  }, 30_000);

  afterAll(async () => {
    await lsp?.stop();
  });

  describe('publishes for each validate-rules fixture what flows validate --format json finds in it', () => {
    it('reads the fixtures of test/dsl/validate/rules.test.ts', () => {
      expect(FIXTURES.length).toBeGreaterThanOrEqual(60);
    });

    it.each(FIXTURES.map(([name, text], i) => [name, text, fileName(i)] as const))('%s', async (name, text, file) => {
      const path = join(dir, 'flows', file);
      writeFileSync(path, text);
      const expected = (await validateJson(dir, `flows/${file}`)).map(asPublished);
      expect(expected.length, name).toBeGreaterThan(0);
      const uri = pathToFileURL(path).href;
      const published = lsp.diagnostics(uri);
      lsp.open(path, text);
      const { diagnostics, version } = await published;
      expect(version).toBe(1);
      const shown = diagnostics.map(({ range, severity, code, source, message }) => ({ range, severity, code, source, message }));
      expect(shown).toEqual(expected);
    });
  });

  it('publishes nothing wrong in an example flow, and re-publishes on each change', async () => {
    const path = join(dir, 'flows', 'sailthru-welcome-series.yaml');
    const text = readFileSync(path, 'utf8');
    const uri = pathToFileURL(path).href;
    const first = lsp.diagnostics(uri);
    lsp.open(path, text);
    expect((await first).diagnostics).toEqual([]);
    const broken = lsp.diagnostics(uri, (p) => p.version === 2);
    lsp.change(uri, text.replace('destination: sailthru', 'destination: sailthur'));
    const found = (await broken).diagnostics;
    expect(found.map((d) => [d.code, String(d.message).split('\n')[0]])).toEqual([
      ['unknown-destination', "destination 'sailthur' is not defined in flows.config.yaml"],
    ]);
    const fixed = lsp.diagnostics(uri, (p) => p.version === 3);
    lsp.change(uri, text);
    expect((await fixed).diagnostics).toEqual([]);
  });

  it('leaves other YAML alone: no finding for a file that is not a flow', async () => {
    const path = join(dir, '.github', 'ci.yml');
    const uri = pathToFileURL(path).href;
    const published = lsp.diagnostics(uri);
    lsp.open(path, 'name: ci\non: pull_request\njobs: { steps: [ wait ] }\n');
    expect((await published).diagnostics).toEqual([]);
    const hover = await lsp.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 1 } });
    expect(hover).toBeNull();
  });

  it('checks open flows again when flows.config.yaml changes on disk or in the editor', async () => {
    const path = join(dir, 'flows', 'uses-extra.yaml');
    const text = 'flow: uses-extra\ntrigger: { event: sign_up }\nsteps:\n  - send_event: { destination: extra, event: hello }\n';
    const uri = pathToFileURL(path).href;
    const first = lsp.diagnostics(uri);
    lsp.open(path, text);
    expect((await first).diagnostics.map((d) => d.code)).toEqual(['unknown-destination']);

    const configPath = join(dir, 'flows.config.yaml');
    const config = readFileSync(configPath, 'utf8');
    const withExtra = `${config}\n  extra:\n    type: mparticle\n    pod: us1\n    environment: development\n    api_key: \${X_KEY}\n    api_secret: \${X_SECRET}\n`;
    writeFileSync(configPath, withExtra);
    const onDisk = lsp.diagnostics(uri);
    await lsp.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(configPath).href, type: FileChangeType.Changed }],
    });
    expect((await onDisk).diagnostics).toEqual([]);

    // Changed on disk with no notice (a client that watches no files): seen at the flow's next keystroke.
    writeFileSync(configPath, config);
    const unnoticed = lsp.diagnostics(uri, (p) => p.version === 2);
    lsp.change(uri, text);
    expect((await unnoticed).diagnostics.map((d) => d.code)).toEqual(['unknown-destination']);

    // Opened in the editor, the config's text is what counts, saved or not.
    const opened = lsp.diagnostics(uri, (p) => p.diagnostics.length === 0);
    const configUri = lsp.open(configPath, withExtra);
    await opened;
    const inEditor = lsp.diagnostics(uri, (p) => p.diagnostics.length > 0);
    lsp.change(configUri, config);
    expect((await inEditor).diagnostics.map((d) => d.code)).toEqual(['unknown-destination']);
  });

  describe('completion, hover and go to definition', () => {
    let uri: string;
    const complete = async (position: { line: number; character: number }): Promise<string[]> => {
      const items = (await lsp.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionItem[];
      return items.map((i) => i.label);
    };

    beforeAll(async () => {
      const path = join(dir, 'flows', 'sample.yaml');
      uri = pathToFileURL(path).href;
      const published = lsp.diagnostics(uri);
      lsp.open(path, SAMPLE);
      await published;
    });

    it('offers only the destinations whose type can do the step', async () => {
      // send_push: Customer.io and CleverTap send pushes; Sailthru, MoEngage, mParticle, Antavo and webhooks do not.
      expect((await complete(after(SAMPLE, 'destination: '))).sort()).toEqual(['clevertap', 'customerio']);
      // In a flow map, typed part way: send_email is Sailthru's and Customer.io's (the client filters by what is typed).
      expect((await complete(after(SAMPLE, '{ destination: sail'))).sort()).toEqual(['customerio', 'sailthru']);
    });

    it("offers the split's branch labels after pick_winner's winner, but not its control", async () => {
      expect(await complete(after(SAMPLE, ', winner: '))).toEqual(['A', 'B']);
    });

    it('offers the event names the flows use, durations after a duration key, step kinds at a new step', async () => {
      const events = await complete(after(SAMPLE, 'event: ', 17));
      expect(events).toEqual(expect.arrayContaining(['sign_up', 'purchase', 'hello']));
      expect(events).toEqual(expect.arrayContaining(['app_open'])); // from flows/sailthru-welcome-series.yaml, not open
      const durations = await complete(after(SAMPLE, 'timeout: '));
      expect(durations).toEqual(expect.arrayContaining(['1h', '1d', '7d']));
      const kinds = await complete(after(SAMPLE, '  - ', 20));
      expect(kinds).toEqual(expect.arrayContaining(['send_email', 'wait', 'wait_for', 'split', 'exit']));
    });

    it("shows a key's description from schema/flow.schema.json, and the language reference for a step kind", async () => {
      const schema = JSON.parse(readFileSync('schema/flow.schema.json', 'utf8'));
      const within = await lsp.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: after(SAMPLE, 'with') });
      const text = (within!.contents as MarkupContent).value;
      expect(text).toContain(schema.$defs.goal.properties.within.description);
      expect(text).toContain('docs/flow-language.md');
      const push = await lsp.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: after(SAMPLE, 'send_pu') });
      expect((push!.contents as MarkupContent).value).toContain('send a mobile push');
    });

    it("goes from a step's destination to its entry in flows.config.yaml", async () => {
      const location = (await lsp.connection.sendRequest(DefinitionRequest.type, {
        textDocument: { uri },
        position: after(SAMPLE, '{ destination: sail'),
      })) as Location;
      expect(location.uri).toBe(pathToFileURL(join(dir, 'flows.config.yaml')).href);
      const configLines = readFileSync(join(dir, 'flows.config.yaml'), 'utf8').split('\n');
      expect(configLines[location.range.start.line]).toBe('  sailthru:');
      expect(location.range.start.character).toBe(2);
    });
  });

  it('writes nothing but the protocol on stdout', () => {
    // A stray line on stdout would have broken every exchange above; stderr holds at most the tsx notice.
    expect(lsp.stderr()).not.toMatch(/error|warn/i);
  });
});
