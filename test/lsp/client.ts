import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';

const FLOWS_BIN = resolve('bin/flows.js');

/** `flows lsp --stdio` in a process of its own, spoken to over JSON-RPC as an editor does. */
export interface LspClient {
  connection: MessageConnection;
  child: ChildProcess;
  /** What the server printed on stderr (it must print nothing on stdout but the protocol). */
  stderr(): string;
  open(path: string, text: string): string;
  change(uri: string, text: string): void;
  /** The next diagnostics published for a document (after `since`, a count of those already seen). */
  diagnostics(uri: string, predicate?: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  stop(): Promise<void>;
}

export async function startLsp(root: string, options: { watch?: boolean } = {}): Promise<LspClient> {
  const child = spawn(process.execPath, [FLOWS_BIN, 'lsp', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiting: Array<{ uri: string; predicate: (p: PublishDiagnosticsParams) => boolean; done: (p: PublishDiagnosticsParams) => void }> =
    [];
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    const i = waiting.findIndex((w) => w.uri === params.uri && w.predicate(params));
    if (i >= 0) waiting.splice(i, 1)[0]!.done(params);
  });
  // Watching flows.config.yaml, the server registers for file events, as it does with an editor.
  connection.onRequest(RegistrationRequest.method, () => null);
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'project' }],
    capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: options.watch ?? false } } },
  });
  await connection.sendNotification(InitializedNotification.type, {});
  const versions = new Map<string, number>();
  return {
    connection,
    child,
    stderr: () => stderr,
    open(path, text) {
      const uri = pathToFileURL(path).href;
      versions.set(uri, 1);
      void connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'yaml', version: 1, text },
      });
      return uri;
    },
    change(uri, text) {
      const version = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, version);
      void connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: [{ text }],
      });
    },
    diagnostics: (uri, predicate = () => true) => new Promise((done) => waiting.push({ uri, predicate, done })),
    async stop() {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      await exited;
      connection.dispose();
    },
  };
}
