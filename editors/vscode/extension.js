// The Flowline flows extension: starts `flows lsp --stdio` in the workspace folder and hands it
// the YAML files; the server decides which are flows (under flows/, or with a top-level `flow:`).
// CommonJS, as VS Code loads extensions; vscode-languageclient is this folder's own dependency.
const { workspace } = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/** @param {import('vscode').ExtensionContext} context */
function activate(context) {
  const [command, ...args] = workspace.getConfiguration('flowline').get('server.command', ['npx', '--no-install', 'flows', 'lsp']);
  const folder = workspace.workspaceFolders?.[0]?.uri.fsPath;
  // TransportKind.stdio adds --stdio to the arguments: `flows lsp --stdio`.
  const run = { command, args, transport: TransportKind.stdio, options: { cwd: folder, shell: process.platform === 'win32' } };
  client = new LanguageClient(
    'flowline',
    'Flowline flows',
    { run, debug: run },
    {
      documentSelector: [{ scheme: 'file', language: 'yaml' }],
      // A config saved or changed by git re-checks the open flows.
      synchronize: { fileEvents: workspace.createFileSystemWatcher('**/flows.config.yaml') },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client?.stop();
}

module.exports = { activate, deactivate };
