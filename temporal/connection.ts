import { readFileSync } from 'node:fs';

/**
 * Connection settings by Temporal's own environment conventions, so a deployment configures
 * Flowline the way it configures the Temporal CLI.
 */
export interface TemporalSettings {
  address: string;
  namespace: string;
  apiKey?: string;
  tls?: { clientCertPair?: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer; serverNameOverride?: string } | boolean;
}

export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const address = env.TEMPORAL_ADDRESS || 'localhost:7233';
  const namespace = env.TEMPORAL_NAMESPACE || 'default';
  const certPath = env.TEMPORAL_TLS_CLIENT_CERT_PATH;
  const keyPath = env.TEMPORAL_TLS_CLIENT_KEY_PATH;
  const caPath = env.TEMPORAL_TLS_SERVER_CA_CERT_PATH;
  const read = (variable: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`${variable}=${path} cannot be read: ${(error as Error).message}`);
    }
  };
  if (Boolean(certPath) !== Boolean(keyPath)) {
    throw new Error('set both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH, or neither');
  }
  const wantsTls = env.TEMPORAL_TLS === 'true' || Boolean(certPath) || Boolean(caPath) || Boolean(env.TEMPORAL_API_KEY);
  const tls = wantsTls
    ? {
        ...(certPath && keyPath
          ? { clientCertPair: { crt: read('TEMPORAL_TLS_CLIENT_CERT_PATH', certPath), key: read('TEMPORAL_TLS_CLIENT_KEY_PATH', keyPath) } }
          : {}),
        ...(caPath ? { serverRootCACertificate: read('TEMPORAL_TLS_SERVER_CA_CERT_PATH', caPath) } : {}),
        ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}),
      }
    : undefined;
  return { address, namespace, ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}), ...(tls ? { tls } : {}) };
}

/** A message that says what was tried and what to check, for when the server cannot be reached. */
export const unreachable = (settings: TemporalSettings, error: unknown): string =>
  `cannot reach Temporal at ${settings.address} (namespace ${settings.namespace}): ${(error as Error).message}. ` +
  'Start one with `npm start` (dev server) or set TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (and TEMPORAL_API_KEY or TEMPORAL_TLS_* for a secured cluster).';

/** Options for `Connection.connect` and `NativeConnection.connect`. */
export const connectionOptions = (settings: TemporalSettings) => ({
  address: settings.address,
  ...(settings.tls ? { tls: settings.tls } : {}),
  ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
});
