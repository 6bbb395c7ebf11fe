import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';

let installed = false;

const plain = new DefaultLogger('TRACE');
const defaultLog = (entry: LogEntry) => plain.log(entry.level, entry.message, entry.meta);

/**
 * Installs the SDK runtime once per process with a log level: workers log every state change at
 * INFO, and the native core warns about test servers' missing capabilities; a CLI wants less.
 */
export function installRuntime(level: LogLevel = 'WARN', coreLevel: LogLevel = 'ERROR'): void {
  if (installed) return;
  installed = true;
  const quiet = new DefaultLogger(level, (entry) => {
    // Destination workers run activities only; the SDK warns about that on every start.
    if (entry.message.startsWith('No workflows registered')) return;
    defaultLog(entry);
  });
  Runtime.install({
    logger: quiet,
    telemetryOptions: { logging: { filter: { core: coreLevel, other: coreLevel } } },
  });
}
