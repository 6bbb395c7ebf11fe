import { matchesEvent, type FlowEvent } from '../dsl/language/event.ts';
import type { FlowIR, GoalIR } from '../dsl/language/ir.ts';
import { conversionEvents } from '../goals/attribution.ts';
import type { StepEvent, StepLog } from '../store/step-log.ts';
import type { Profile } from '../store/store.ts';

/** Goal event names per flow, so an event no goal names costs one Set lookup per flow with goals. */
const goalNames = new WeakMap<FlowIR, Set<string>>();
const namesOf = (flow: FlowIR): Set<string> => {
  let names = goalNames.get(flow);
  if (!names) goalNames.set(flow, (names = new Set((flow.goals ?? []).map((g) => g.event))));
  return names;
};

/**
 * Credits the user's runs with the conversions among a batch's events: for each flow with a goal
 * the event satisfies (its name and `where`, read against the profile), the user's runs that
 * entered within the goal's window before the event — running or ended — get their conversion
 * events in the step log (goals/attribution.ts). Idempotent by event id, so a retried batch or a
 * second delivery counts nothing twice. Returns the number of run × goal credits made or confirmed.
 * A goal's `where` may not read `vars.` of a run (validate refuses it): ingest has no run's vars.
 */
export async function recordConversions(
  stepLog: StepLog,
  flows: readonly FlowIR[],
  user: string,
  events: readonly FlowEvent[],
  profile: Profile | null,
  now: number,
): Promise<number> {
  const byTime = [...events].sort((a, b) => a.timestamp - b.timestamp);
  const perFlow = await Promise.all(
    flows.map(async (flow) => {
      const names = namesOf(flow);
      if (names.size === 0) return [];
      const hits: Array<[GoalIR, FlowEvent]> = [];
      for (const event of byTime) {
        if (!names.has(event.name)) continue;
        for (const goal of flow.goals!) if (matchesEvent(goal, event, { profile, vars: {} }, now)) hits.push([goal, event]);
      }
      if (hits.length === 0) return [];
      const since = Math.min(...hits.map(([goal, event]) => event.timestamp - goal.withinMs));
      const runs = new Map<string, StepEvent[]>();
      for (const e of await stepLog.userRuns(flow.flow, user, since)) {
        const key = `${e.workflowId}/${e.runId}`;
        const run = runs.get(key);
        if (run) run.push(e);
        else runs.set(key, [e]);
      }
      // The earliest converting event of a goal credits a run; later ones would reuse its ids.
      const credited = new Map<string, StepEvent[]>();
      for (const [goal, event] of hits) {
        for (const [key, run] of runs) {
          const slot = `${key}\t${goal.name}`;
          if (credited.has(slot)) continue;
          const made = conversionEvents(goal, event, run);
          if (made.length) credited.set(slot, made);
        }
      }
      return [...credited.values()];
    }),
  );
  const credits = perFlow.flat();
  if (credits.length) await stepLog.record(credits.flat());
  return credits.length;
}
