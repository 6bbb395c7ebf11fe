import { Client, Connection } from '@temporalio/client';
import { dataConverter } from '../codec/data-converter.ts';
import { openProfileStore, openStepLog } from '../store/open.ts';
import type { Profiles } from '../store/store.ts';
import type { StepLog } from '../store/step-log.ts';
import { StudioProject } from '../studio/project.ts';
import { isLoopback } from '../http-guard/host-origin.ts';
import { listenStudio } from '../studio/server.ts';
import type { StudioEditing } from '../studio/deps.ts';
import { githubClient, githubToken } from '../review/github.ts';
import { repoFromEnvironment } from '../review/repository.ts';
import { gitTopLevel, remoteUrl } from '../review/checkout.ts';
import { connectionOptions, temporalSettings, unreachable } from '../temporal/connection.ts';
import { allowedHosts } from './allowed-hosts.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { dataDir } from './project.ts';

export interface StudioServeOptions {
  client: Client;
  namespace: string;
  log: StepLog;
  /** For previews of a step's message for a chosen user. */
  profiles?: Pick<Profiles, 'get'>;
  cwd: string;
  config?: string;
  port?: number;
  host?: string;
  /** Host names to answer to besides loopback's and `host` (FLOWLINE_ALLOWED_HOSTS when not given). */
  allowHosts?: string[];
  temporalWeb?: string;
  /** The viewer alone: no edit routes. */
  readOnly?: boolean;
}

/** Serves the studio (for `flows studio` and `npm start`); bound beyond loopback it takes FLOWLINE_STUDIO_TOKEN. */
export async function serveStudio(options: StudioServeOptions) {
  const token = process.env.FLOWLINE_STUDIO_TOKEN;
  const editing = options.readOnly ? undefined : await studioEditing(options.cwd);
  return listenStudio(
    {
      ...(editing ? { editing } : {}),
      project: new StudioProject(options.cwd, options.config),
      log: options.log,
      ...(options.profiles ? { profiles: options.profiles } : {}),
      client: options.client,
      namespace: options.namespace,
      temporalWeb: options.temporalWeb ?? process.env.FLOWLINE_TEMPORAL_WEB ?? 'http://localhost:8233',
    },
    {
      port: options.port ?? 8090,
      allowHosts: options.allowHosts ?? allowedHosts(undefined),
      ...(options.host ? { host: options.host } : {}),
      ...(token ? { token } : {}),
    },
  );
}

/** The Flow Studio against any Temporal address and store: every flow as a picture with live numbers. */
export async function studioCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, COMMAND_WORDS.studio.flags);
  if (positionals.length)
    throw new UsageError(`flows studio takes no files (it shows every flow under flows/); got ${positionals.join(' ')}`);
  const port = Number(values.port ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes a port number');
  if (values.host && !isLoopback(values.host) && !process.env.FLOWLINE_STUDIO_TOKEN) {
    io.err(
      `flows studio: --host ${values.host} serves the studio beyond this machine: ` +
        'set FLOWLINE_STUDIO_TOKEN to a secret first (or leave --host out for 127.0.0.1)\n',
    );
    return EXIT.findings;
  }
  const settings = temporalSettings(values.temporal ? { ...process.env, TEMPORAL_ADDRESS: values.temporal } : process.env);
  // Editing needs only the repository: without Temporal the studio starts all the same, its
  // "running now" numbers say Temporal does not answer, and come back once it does (lazy connection).
  const connection = Connection.lazy({ ...connectionOptions(settings), connectTimeout: '3s' });
  const reachable = await Connection.connect({ ...connectionOptions(settings), connectTimeout: '3s' }).then(
    (probe) => probe.close().then(() => true),
    (error: unknown) => {
      io.err(`flows studio: ${unreachable(settings, error)}; starting without it (runs now and run pages wait for it)\n`);
      return false;
    },
  );
  try {
    const converter = dataConverter();
    const client = new Client({ connection, namespace: settings.namespace, ...(converter ? { dataConverter: converter } : {}) });
    const log = await openStepLog(dataDir(io, values.data));
    const profiles = await openProfileStore(dataDir(io, values.data));
    const studio = await serveStudio({
      client,
      namespace: settings.namespace,
      log,
      profiles,
      cwd: io.cwd,
      port,
      config: values.config,
      allowHosts: allowedHosts(values['allow-host']),
      readOnly: values['read-only'] === true,
      ...(values.host ? { host: values.host } : {}),
      ...(values['temporal-web'] ? { temporalWeb: values['temporal-web'] } : {}),
    });
    const temporal = `Temporal ${settings.address}${reachable ? '' : ' (not answering yet)'}, namespace ${settings.namespace}`;
    io.out(`Flow Studio on ${studio.url} (${temporal}${values['read-only'] ? ', read-only' : ''}); Ctrl-C stops it\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await studio.close();
    return EXIT.ok;
  } catch (error) {
    io.err(`flows studio: ${(error as Error).message}\n`);
    return EXIT.findings;
  } finally {
    await connection.close();
  }
}

/** Where the studio proposes edits: the git checkout holding the project, and GitHub when a token and repository are known. */
async function studioEditing(cwd: string): Promise<StudioEditing> {
  const repoRoot = await gitTopLevel(cwd);
  const token = githubToken();
  const repo = repoRoot ? repoFromEnvironment(process.env, await remoteUrl(repoRoot)) : undefined;
  const github = token && repo ? { client: githubClient({ token }), repo } : undefined;
  return { ...(repoRoot ? { repoRoot } : {}), ...(github ? { github } : {}) };
}
