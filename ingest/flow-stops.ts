import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FlowIR } from '../dsl/language/ir.ts';
import { FLOW_STOPPED, flowPhase } from '../dsl/language/lifecycle.ts';
import { stopSignal } from '../workflows/messages.ts';

export interface FlowStops {
  /** Call with the flows as loaded now (at start and on every reload). */
  sync(flows: readonly FlowIR[]): Promise<void>;
  close(): void;
}

/** The visibility query for a flow's running runs (FlowId is a Flowline search attribute). */
export const runningRunsQuery = (flow: string): string => `WorkflowType = 'flowRun' AND FlowId = '${flow}' AND ExecutionStatus = 'Running'`;

/**
 * Tells the running runs of stopped flows to leave: a running run keeps the IR it started with,
 * so a YAML edit to `status: stopped` reaches it only as a `stop` signal. Each process that
 * reloads flows sends it to every running run of a flow that became stopped (found in pages by
 * visibility), and once more `settleMs` later for runs visibility did not list yet or another
 * process started before it reloaded. A run takes the first signal and ignores the rest, so two
 * processes, or a restart, sending it again do no harm. New runs of a stopped flow never start.
 */
export function watchStops(options: { client: Client; timezone: string; log: (line: string) => void; settleMs?: number }): FlowStops {
  const swept = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const sweep = async (flow: string): Promise<number> => {
    let signalled = 0;
    for await (const run of options.client.workflow.list({ query: runningRunsQuery(flow), pageSize: 500 })) {
      try {
        await options.client.workflow.getHandle(run.workflowId, run.runId).signal(stopSignal, FLOW_STOPPED);
        signalled++;
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error; // closed since it was listed
      }
    }
    return signalled;
  };
  const report = (flow: string, when: string) =>
    sweep(flow).then(
      (n) => n > 0 && options.log(`flow ${flow} stopped: ${n} running runs told to leave${when}`),
      (e: Error) => {
        swept.delete(flow);
        options.log(`flow ${flow} stopped, but its running runs were not told (tried again at the next reload): ${e.message}`);
      },
    );
  return {
    async sync(flows) {
      const stopped = flows.filter((f) => flowPhase(f, options.timezone, Date.now()) === 'stopped').map((f) => f.flow);
      for (const flow of swept) if (!stopped.includes(flow)) swept.delete(flow);
      const fresh = stopped.filter((flow) => !swept.has(flow));
      for (const flow of fresh) swept.add(flow);
      await Promise.all(fresh.map((flow) => report(flow, '')));
      if (fresh.length === 0) return;
      const again = setTimeout(() => {
        timers.delete(again);
        for (const flow of fresh) if (swept.has(flow)) void report(flow, ' (second pass)');
      }, options.settleMs ?? 5_000);
      timers.add(again);
    },
    close() {
      for (const t of timers) clearTimeout(t);
    },
  };
}
