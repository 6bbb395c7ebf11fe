import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/**
 * Installs the SDK runtime once per process with a log level: workers log every state change at
 * INFO, and the native core warns about test servers' missing capabilities; a CLI wants less.
 */
export function installRuntime(level: LogLevel = 'WARN', coreLevel: LogLevel = 'ERROR'): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger(level),
    telemetryOptions: { logging: { filter: { core: coreLevel, other: coreLevel } } },
  });
}
