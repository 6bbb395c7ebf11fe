import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';

let installed = false;

const plain = new DefaultLogger('TRACE');
const defaultLog = (entry: LogEntry) => plain.log(entry.level, entry.message, entry.meta);

/**
 * A failed activity or run is expected in a journey engine (a destination refused a send): one
 * line with its reason and where, not the SDK's stack trace, which is kept for DEBUG.
 */
function oneLine(entry: LogEntry): LogEntry {
  const error = entry.meta?.error as Error | undefined;
  if (!(error instanceof Error)) return entry;
  const where = ['workflowId', 'activityType', 'attempt']
    .filter((k) => entry.meta?.[k] !== undefined)
    .map((k) => `${k}=${String(entry.meta![k])}`);
  return { ...entry, message: `${entry.message}: ${error.message}${where.length ? ` (${where.join(' ')})` : ''}`, meta: undefined };
}

/**
 * Installs the SDK runtime once per process with a log level: workers log every state change at
 * INFO, and the native core warns about test servers' missing capabilities; a CLI wants less.
 */
export function installRuntime(level: LogLevel = 'WARN', coreLevel: LogLevel = 'ERROR'): void {
  if (installed) return;
  installed = true;
  const verbose = level === 'DEBUG' || level === 'TRACE';
  const quiet = new DefaultLogger(level, (entry) => {
    // Destination workers run activities only; the SDK warns about that on every start.
    if (entry.message.startsWith('No workflows registered')) return;
    defaultLog(verbose ? entry : oneLine(entry));
  });
  Runtime.install({
    logger: quiet,
    telemetryOptions: { logging: { filter: { core: coreLevel, other: coreLevel } } },
  });
}

const LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * `flows worker` and `flows ingest`: the SDK's own logging (every worker state change at INFO)
 * unless FLOWLINE_SDK_LOG_LEVEL names a level; `flows cluster` sets WARN for its processes.
 */
export function installRuntimeFromEnv(env: NodeJS.ProcessEnv = process.env): void {
  const level = env.FLOWLINE_SDK_LOG_LEVEL?.toUpperCase();
  if (!level) return;
  if (!(LEVELS as string[]).includes(level)) throw new Error(`FLOWLINE_SDK_LOG_LEVEL is one of ${LEVELS.join(', ')}, not ${level}`);
  installRuntime(level as LogLevel);
}
