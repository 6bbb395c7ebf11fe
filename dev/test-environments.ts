import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { dataConverter } from '../codec/data-converter.ts';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.ts';
import { temporalCli, temporalTestServer } from './tools.ts';

// The environment's client encrypts as the workers do (FLOWLINE_PAYLOAD_KEY), so it reads their results.
const clientOptions = (converter: DataConverter | undefined) => (converter ? { client: { dataConverter: converter } } : {});

/**
 * How much of its log the dev server writes to the terminal (it shares ours: @temporalio/testing
 * starts it with inherited stdio). `error` by default, so a server that cannot start says why;
 * `npm run bench` and `npm run faults` set `never`, as their restarts and shutdowns make the
 * server log errors ("context canceled") that are expected. debug, info, warn, error or never.
 */
export const SERVER_LOG_LEVEL = 'FLOWLINE_TEMPORAL_LOG_LEVEL';
const serverLogLevel = (): string => process.env[SERVER_LOG_LEVEL] || 'error';

/** A Temporal CLI dev server of its own (no Web UI) with Flowline's search attributes: for tests and benchmarks. */
export const devServerEnvironment = (extraArgs: string[] = [], converter = dataConverter()): Promise<TestWorkflowEnvironment> =>
  TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCli() },
      searchAttributes: [...SEARCH_ATTRIBUTES],
      ui: false,
      log: { format: 'pretty', level: serverLogLevel() },
      // `--output none`: no banner with the server's address and metrics URL.
      extraArgs: ['--output', 'none', ...extraArgs],
    },
    ...clientOptions(converter),
  });

/** The time-skipping test server (it has no search attributes): for `flows simulate` and tests with long waits. */
export const timeSkippingEnvironment = (converter = dataConverter()): Promise<TestWorkflowEnvironment> =>
  TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServer() } },
    ...clientOptions(converter),
  });
