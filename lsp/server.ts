import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkFlow } from '../dsl/validate/validate.ts';
import { loadConfig } from '../dsl/load/config.ts';
import { completionsAt } from './completion.ts';
import { Debouncer } from './debounce.ts';
import { definitionAt } from './definition.ts';
import { isConfigFile, isFlowFile, toLspDiagnostic } from './diagnostics.ts';
import { hoverAt } from './hover.ts';
import { warmUp } from './warm-up.ts';
import { Workspace } from './workspace.ts';

/** How long a document must be quiet after a keystroke before it is checked again. */
export const CHECK_DELAY_MS = 150;

const pathOf = (uri: string): string | undefined => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined);

/**
 * The language server: wires a connection's requests to the checks, completion, hover and
 * go-to-definition of lsp/. Returns when the client ends the connection.
 */
export function serve(connection: Connection): Promise<void> {
  const documents = new TextDocuments(TextDocument);
  let workspace = new Workspace([]);
  let watchRegistration = false;

  const check = (uri: string) => {
    const document = documents.get(uri);
    const path = pathOf(uri);
    if (!document || !path) return;
    const text = document.getText();
    if (isConfigFile(path)) {
      const diagnostics = loadConfig(path, text).diagnostics.map(toLspDiagnostic);
      void connection.sendDiagnostics({ uri, version: document.version, diagnostics });
      return;
    }
    // A file that is no flow (or no longer one: its `flow:` went) shows no finding of ours.
    if (!isFlowFile(path, text)) {
      void connection.sendDiagnostics({ uri, version: document.version, diagnostics: [] });
      return;
    }
    const loaded = workspace.configFor(path);
    const shown = loaded.path ? relative(dirname(loaded.path), path) : path;
    const result = checkFlow(shown, text, loaded.config, { compile: false });
    void connection.sendDiagnostics({ uri, version: document.version, diagnostics: result.diagnostics.map(toLspDiagnostic) });
  };
  // A check that throws (a rule's bug) must not end the server: the editor keeps its last findings, the log says why.
  const checks = new Debouncer((uri) => {
    try {
      check(uri);
    } catch (error) {
      connection.console.error(`flows lsp: checking ${uri} failed: ${(error as Error).stack ?? String(error)}`);
    }
  });
  const recheckOpenFlows = () => {
    for (const document of documents.all()) {
      const path = pathOf(document.uri);
      if (path && !isConfigFile(path)) checks.schedule(document.uri, CHECK_DELAY_MS);
    }
  };
  const configChanged = (path: string, openText?: string) => {
    workspace.configChanged(path, openText);
    recheckOpenFlows();
  };

  connection.onInitialize((params): InitializeResult => {
    const roots = (params.workspaceFolders ?? []).map((f) => pathOf(f.uri)).filter((p): p is string => p !== undefined);
    const rootUri = params.rootUri ? pathOf(params.rootUri) : undefined;
    if (roots.length === 0 && rootUri) roots.push(rootUri);
    workspace = new Workspace(roots);
    watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [':', ' ', '-'] },
        hoverProvider: true,
        definitionProvider: true,
      },
      serverInfo: { name: 'flows lsp' },
    };
  });

  connection.onInitialized(() => {
    // The checks' code warmed up while the editor is still opening files, not on the first mistakes typed.
    setTimeout(warmUp, 0);
    if (watchRegistration) {
      // A client that refuses leaves a config changed on disk unseen until a flow is edited: not worth failing over.
      connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/flows.config.yaml' }] })
        .catch(() => undefined);
    }
  });

  // Opened: checked at once. Edited: checked once the typing stops (CHECK_DELAY_MS).
  const opening = new Set<string>();
  documents.onDidOpen(({ document }) => {
    opening.add(document.uri);
    const path = pathOf(document.uri);
    if (path && isConfigFile(path)) configChanged(path, document.getText());
    checks.schedule(document.uri, 0);
  });
  documents.onDidChangeContent(({ document }) => {
    if (opening.delete(document.uri)) return;
    const path = pathOf(document.uri);
    if (path && isConfigFile(path)) configChanged(path, document.getText());
    checks.schedule(document.uri, CHECK_DELAY_MS);
  });
  documents.onDidClose(({ document }) => {
    checks.cancel(document.uri);
    const path = pathOf(document.uri);
    if (path && isConfigFile(path)) configChanged(path);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const path = pathOf(change.uri);
      // An open config's text is the editor's: the disk catches up when it is saved.
      if (path && isConfigFile(path) && !documents.get(change.uri)) configChanged(path);
    }
  });

  connection.onCompletion(({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    const path = pathOf(textDocument.uri);
    if (!document || !path || !isFlowFile(path, document.getText())) return [];
    const config = workspace.configFor(path).config;
    const others = documents.all().filter((d) => d.uri !== textDocument.uri);
    return completionsAt(document.getText(), document.offsetAt(position), {
      config,
      eventNames: (marked) => workspace.eventNames(path, [marked, ...others.map((d) => d.getText())]),
    });
  });

  connection.onHover(({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    const path = pathOf(textDocument.uri);
    if (!document || !path || !isFlowFile(path, document.getText())) return null;
    return hoverAt(document.getText(), document.offsetAt(position), workspace.configFor(path).config);
  });

  connection.onDefinition(({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    const path = pathOf(textDocument.uri);
    if (!document || !path || !isFlowFile(path, document.getText())) return null;
    return definitionAt(document.getText(), document.offsetAt(position), workspace.configFor(path));
  });

  documents.listen(connection);
  const ended = new Promise<void>((done) => connection.onExit(() => done()));
  connection.listen();
  return ended;
}
