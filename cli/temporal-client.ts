import { Client, Connection } from '@temporalio/client';
import { dataConverter } from '../codec/data-converter.ts';
import { connectionOptions, temporalSettings, unreachable } from '../temporal/connection.ts';
import { EXIT, type CliIo } from './io.ts';

/**
 * Connects as the Temporal CLI would (TEMPORAL_ADDRESS, …), runs `work` with a client, and
 * closes the connection. When the server cannot be reached, says where it looked and exits 1.
 */
export async function withTemporalClient(io: CliIo, command: string, work: (client: Client) => Promise<number>): Promise<number> {
  const settings = temporalSettings();
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptions(settings), connectTimeout: '3s' });
  } catch (error) {
    io.err(`flows ${command}: ${unreachable(settings, error)}\n`);
    return EXIT.findings;
  }
  try {
    const converter = dataConverter();
    return await work(new Client({ connection, namespace: settings.namespace, ...(converter ? { dataConverter: converter } : {}) }));
  } finally {
    await connection.close();
  }
}
