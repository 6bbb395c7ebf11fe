import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, DEFAULT_WEBHOOK_DESTINATION } from '../dsl/language/destination-defaults.ts';
import type { FlowsConfig } from '../dsl/language/config.ts';
import { parseDuration } from '../dsl/language/durations.ts';
import type { DestinationRoute } from './input.ts';
import { destinationTaskQueue } from './task-queues.ts';

// Every start puts the routes in the run's input; a config's routes never change, so compute them once.
const computed = new WeakMap<FlowsConfig, Record<string, DestinationRoute>>();

/** How runs reach each destination: its task queue, timeout and retry (destination, then config, then defaults). */
export function routesFor(config: FlowsConfig): Record<string, DestinationRoute> {
  let routes = computed.get(config);
  if (!routes) {
    routes = computeRoutes(config);
    computed.set(config, routes);
  }
  return routes;
}

function computeRoutes(config: FlowsConfig): Record<string, DestinationRoute> {
  const base = {
    attempts: config.retry?.attempts ?? DEFAULT_RETRY.attempts,
    backoffMs: parseDuration(config.retry?.backoff ?? '') ?? DEFAULT_RETRY.backoffMs,
  };
  const routes: Record<string, DestinationRoute> = {};
  const names = [...config.destinations.keys(), DEFAULT_WEBHOOK_DESTINATION];
  for (const name of names) {
    const settings = config.destinations.get(name) as { retry?: { attempts?: number; backoff?: string }; timeout?: string } | undefined;
    routes[name] = {
      taskQueue: destinationTaskQueue(name),
      timeoutMs: parseDuration(settings?.timeout ?? '') ?? DEFAULT_TIMEOUT_MS,
      retry: {
        attempts: settings?.retry?.attempts ?? base.attempts,
        backoffMs: parseDuration(settings?.retry?.backoff ?? '') ?? base.backoffMs,
      },
    };
  }
  return routes;
}
