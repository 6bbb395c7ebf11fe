import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { openProfileStore, openStepLog } from '../store/open.ts';
import { connectionOptions, temporalSettings, unreachable } from '../temporal/connection.ts';
import { destinationClients, MissingCredentialError } from '../worker/destination-clients.ts';
import { installRuntimeFromEnv } from '../worker/runtime.ts';
import { registerSearchAttributes } from '../worker/search-attributes.ts';
import { DEFAULT_WORKFLOW_CACHE, startWorkers } from '../worker/start.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { dataDir, loadProject } from './project.ts';

/** Runs the workers against an existing Temporal server, as a deployment runs them. Stops on SIGINT/SIGTERM. */
export async function workerCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, COMMAND_WORDS.worker.flags);
  const project = loadProject(io, { config: values.config });
  if (!project) return EXIT.findings;
  const data = dataDir(io, values.data);
  installRuntimeFromEnv();
  const fake = values['fake-destinations'] ?? false;
  // --fake-missing: only destinations without credentials talk to fakes, as in `flows start` and `flows cluster`.
  const fakeMissing = !fake && (values['fake-missing'] ?? false);
  const fakesPort = values['fakes-port'] === undefined ? undefined : Number(values['fakes-port']);
  if (fakesPort !== undefined && (!Number.isInteger(fakesPort) || fakesPort < 1 || fakesPort > 65000))
    throw new UsageError('--fakes-port takes a port number');
  const cacheSetting = process.env.FLOWLINE_WORKFLOW_CACHE;
  const workflowCache = cacheSetting ? Number(cacheSetting) : DEFAULT_WORKFLOW_CACHE;
  if (!Number.isInteger(workflowCache) || workflowCache < 2)
    throw new UsageError(
      `FLOWLINE_WORKFLOW_CACHE takes a whole number of runs, 2 or more (default ${DEFAULT_WORKFLOW_CACHE}), not '${cacheSetting}'`,
    );
  let destinations;
  try {
    destinations = await destinationClients(project.config, {
      mode: fake ? 'fake' : fakeMissing ? 'fake-missing' : 'real',
      recordDir: join(data, 'calls'),
      ...(fakesPort === undefined ? {} : { fakesPort }),
    });
  } catch (error) {
    if (error instanceof MissingCredentialError) {
      io.err(`flows worker: ${error.message}\n`);
      return EXIT.findings;
    }
    throw error;
  }
  const settings = temporalSettings();
  let connection: NativeConnection;
  try {
    const client = await Connection.connect(connectionOptions(settings));
    const added = await registerSearchAttributes(client, settings.namespace).catch((error: Error) => {
      io.err(
        `flows worker: could not register search attributes (${error.message}); register FlowId, FlowVersion, UserId, FlowStep as Keyword yourself\n`,
      );
      return [];
    });
    if (added.length) io.out(`registered search attributes: ${added.join(', ')}\n`);
    await client.close();
    connection = await NativeConnection.connect(connectionOptions(settings));
  } catch (error) {
    io.err(`flows worker: ${unreachable(settings, error)}\n`);
    await destinations.close();
    return EXIT.findings;
  }
  const workers = await startWorkers({
    connection,
    namespace: settings.namespace,
    config: project.config,
    profiles: await openProfileStore(data),
    stepLog: await openStepLog(data),
    destinations: destinations.clients,
    workflowCache,
  });
  if (destinations.faked.length) {
    io.out(
      `FAKE DESTINATIONS: ${fake ? 'every destination talks' : `${destinations.faked.length} destinations without credentials talk`} to a local fake server; what each received is in ${join(data, 'calls')}/<destination>.jsonl\n`,
    );
    for (const f of destinations.faked) io.out(`  ${f.name.padEnd(16)} ${f.url}/__fake/calls\n`);
  }
  io.out(`worker connected to ${settings.address} (namespace ${settings.namespace}); polling ${workers.queues.join(', ')}\n`);
  io.out('ready\n');
  await workers.done; // the SDK shuts workers down on SIGINT and SIGTERM, letting running activities finish
  await connection.close();
  await destinations.close();
  io.out('worker stopped\n');
  return EXIT.ok;
}
