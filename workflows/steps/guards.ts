import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, EffectStep } from '../../activities/types.ts';
import { channelOf } from '../../dsl/language/channels.ts';
import { formatDuration } from '../../dsl/language/durations.ts';
import { evaluate, read } from '../../dsl/language/evaluate.ts';
import type { CapIR, QuietHoursIR } from '../../dsl/language/guardrails.ts';
import type { TimeOfDayIR } from '../../dsl/language/ir.ts';
import type { Profile } from '../../store/store.ts';
import type { HeldSend, Waiting } from '../messages.ts';
import { isValidZone } from '../next-window.ts';
import { quietUntil } from '../quiet-hours.ts';
import type { Outcome, Run } from '../run.ts';
import { FLOW_TASK_QUEUE } from '../task-queues.ts';

const { claimSend } = proxyActivities<Activities>({
  taskQueue: FLOW_TASK_QUEUE,
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 5 },
  summary: 'claim a send against frequency caps',
});

/** The most held sends a run's state keeps (the newest). */
const HELD_KEPT = 20;

const iso = (ms: number): string => new Date(ms).toISOString();
const hhmm = (t: TimeOfDayIR): string => `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;

/**
 * The config's guardrails for one send step, before its destination call: suppression on the fresh
 * profile, then quiet hours in the user's zone, then the channel's frequency caps (a claim counted
 * across every flow). Answers `send`, or the step's outcome when the send is held back: `next`
 * (skipped, the run goes on) or `exit` (the run had to leave while it waited). A wait goes round
 * again: the profile may have changed, the window may have closed. Runs no command for a step
 * the guardrails do not concern (no guardrails, not a send, transactional, or opted out).
 */
export async function guardSend(step: EffectStep, run: Run): Promise<'send' | Outcome> {
  const rails = run.input.guardrails;
  const channel = channelOf(step.kind);
  if (!rails || !channel || step.transactional) return 'send';
  const caps = step.caps === 'ignore' ? [] : (rails.caps ?? []).filter((c) => c.channel === channel);
  const quiet: QuietHoursIR | undefined =
    rails.quietHours && step.quietHours !== 'ignore' ? { ...rails.quietHours, then: step.quietHours ?? rails.quietHours.then } : undefined;
  if (!rails.suppress && !quiet && caps.length === 0) return 'send';
  const { workflowId, runId } = workflowInfo();
  for (;;) {
    const profile = rails.suppress || (quiet && 'field' in quiet.timezone) ? await run.readProfile() : null;
    if (rails.suppress && evaluate(rails.suppress, { profile }, Date.now()))
      return hold(run, step, 'suppressed', 'suppress condition holds');
    if (quiet) {
      const zone = zoneOf(quiet, profile, run.input.timezone);
      const ends = quietUntil(Date.now(), zone, quiet.from, quiet.to);
      if (ends !== undefined) {
        const reason = `quiet hours ${hhmm(quiet.from)}–${hhmm(quiet.to)} ${zone}`;
        if (quiet.then === 'skip') return hold(run, step, 'skipped_quiet', reason);
        if ((await delay(run, step, ends, 'quiet_hours', reason)) === 'exit') return 'exit';
        continue;
      }
    }
    if (caps.length === 0) return 'send';
    const claim = { id: `${workflowId}/${runId}/${step.id}`, channel, at: Date.now() };
    const answer = await claimSend({ userId: run.input.userId, claim, caps: caps.map(({ max, perMs }) => ({ max, perMs })) });
    if (answer.allowed) return 'send';
    const refusing = answer.refused.map((i) => caps[i]!);
    const reason = refusing.map(capText).join(', ');
    if (refusing.some((c) => c.then === 'skip')) return hold(run, step, 'capped', reason);
    if ((await delay(run, step, answer.until, 'frequency_cap', reason)) === 'exit') return 'exit';
  }
}

const capText = (c: CapIR): string => `${c.channel} cap ${c.max} per ${formatDuration(c.perMs)}`;

function zoneOf(quiet: QuietHoursIR, profile: Profile | null, fallback: string): string {
  if ('zone' in quiet.timezone) return quiet.timezone.zone;
  const found = read({ profile }, quiet.timezone.field);
  return isValidZone(found) ? found : fallback;
}

function note(run: Run, held: HeldSend): void {
  run.state.held.push(held);
  if (run.state.held.length > HELD_KEPT) run.state.held.shift();
  run.events.add(held.step, held.outcome, { message: held.reason });
}

/** A skipped send: seen in the run's state, its details and the step log; the run goes on. */
function hold(run: Run, step: EffectStep, outcome: 'capped' | 'suppressed' | 'skipped_quiet', reason: string): Outcome {
  note(run, { step: step.id, outcome, at: iso(Date.now()), reason });
  return 'next';
}

/** A delayed send: waits (a durable timer) until `until`; 'exit' when the run must exit meanwhile. */
function delay(run: Run, step: EffectStep, until: number, kind: Waiting['kind'], reason: string): Promise<Outcome> {
  note(run, { step: step.id, outcome: 'delayed', at: iso(Date.now()), until: iso(until), reason });
  return run.pause(until - Date.now(), { kind, until: iso(until) });
}
