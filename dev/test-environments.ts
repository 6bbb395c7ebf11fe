import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.ts';
import { temporalCli, temporalTestServer } from './tools.ts';

/** A Temporal CLI dev server of its own (no Web UI) with Flowline's search attributes: for tests and benchmarks. */
export const devServerEnvironment = (extraArgs: string[] = []): Promise<TestWorkflowEnvironment> =>
  TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCli() }, searchAttributes: [...SEARCH_ATTRIBUTES], ui: false, extraArgs },
  });

/** The time-skipping test server (it has no search attributes): for `flows simulate` and tests with long waits. */
export const timeSkippingEnvironment = (): Promise<TestWorkflowEnvironment> =>
  TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServer() } } });
