import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { serve } from '../lsp/server.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, type CliIo } from './io.ts';

/**
 * `flows lsp --stdio`: the language server, for editors (docs/editors.md). stdout is the protocol,
 * so nothing else prints there: the connection turns console.log into log messages to the client.
 */
export async function lspCommand(args: string[], _io: CliIo): Promise<number> {
  parseCommandArgs(args, COMMAND_WORDS.lsp.flags);
  await serve(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
  return EXIT.ok;
}
