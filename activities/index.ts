import { ApplicationFailure, Context } from '@temporalio/activity';
import { ProfileLimitError } from '../store/limits.ts';
import { DestinationError } from '../destinations/errors.ts';
import type { DestinationCall, DestinationClient } from '../destinations/types.ts';
import type { StepEvent, StepLog, StepOutcome } from '../store/step-log.ts';
import { stepEventId } from '../store/step-rollup.ts';
import type { Profile, Profiles, SendClaims } from '../store/store.ts';
import { callFor, userRef } from './destination-call.ts';
import type { RenderScope } from './render.ts';
import { withDefaultDestination } from '../dsl/language/destination-defaults.ts';
import { ACTIVITY_FOR, type EffectActivity } from '../dsl/language/step-kinds.ts';
import { type Activities, type EffectInput, type EffectOutput, type EffectStep } from './types.ts';

export interface ActivityDeps {
  profiles: Profiles & SendClaims;
  destinations: ReadonlyMap<string, DestinationClient>;
  /** Where runs record step events; without it nothing is recorded and a retry relies on the heartbeat alone. */
  stepLog?: StepLog;
}

/** What Flowline's own profile records after the destination has accepted the call. */
function applyToProfile(step: EffectStep, profile: Profile, call: DestinationCall): Record<string, unknown> | undefined {
  if (call.kind === 'set_var') {
    for (const [name, change] of Object.entries(call.vars)) {
      if ('delete' in change) delete profile.vars[name];
      else if ('increment' in change) profile.vars[name] = change.result;
      else profile.vars[name] = change.set;
    }
    return Object.fromEntries(Object.keys(call.vars).map((name) => [name, profile.vars[name] ?? null]));
  }
  if (step.kind === 'add_to_list' && !profile.lists.includes(step.list)) profile.lists.push(step.list);
  if (step.kind === 'remove_from_list') profile.lists = profile.lists.filter((l) => l !== step.list);
  return undefined;
}

/** Turns a destination's refusal into what Temporal's retry policy understands. */
function asFailure(error: unknown, destination: string): unknown {
  if (!(error instanceof DestinationError)) return error;
  return ApplicationFailure.create({
    type: error.retryable ? 'DestinationUnavailable' : 'DestinationRejected',
    message: `${destination}: ${error.message}`,
    nonRetryable: !error.retryable,
    ...(error.details.retryAfterMs !== undefined ? { nextRetryDelay: error.details.retryAfterMs } : {}),
    details: [{ status: error.details.status ?? null }],
  });
}

/** Steps whose call is followed by a profile update (which can still fail the attempt). */
const updatesProfile = (step: EffectStep): boolean =>
  step.kind === 'set_var' || step.kind === 'add_to_list' || step.kind === 'remove_from_list';

/** One activity per effect; each renders its step, calls the destination, and records the result. */
export function createActivities(deps: ActivityDeps): Activities {
  const destination = (step: EffectStep): DestinationClient => {
    withDefaultDestination(step); // scheduled by a run of IR from before webhook steps named their default
    const name = step.destination;
    const client = deps.destinations.get(name);
    if (!client) {
      throw ApplicationFailure.create({
        type: 'DestinationNotConfigured',
        message: `destination '${name}' is not configured on this worker; define it in flows.config.yaml and restart the worker`,
        nonRetryable: true,
      });
    }
    return client;
  };

  const perform = async (input: EffectInput): Promise<EffectOutput> => {
    const context = Context.current();
    const steps = stepRecorder(deps.stepLog, input);
    const { attempt } = context.info;
    // The run's pending events go in with the attempt's own outcome: one synced write per attempt.
    const early = [...(input.stepEvents?.pending ?? []), ...(attempt > 1 ? steps.own('retried') : [])];
    // What the run makes once this step succeeds is recorded with its success: with `sent` when
    // nothing can fail after the call, else once the profile is updated too.
    const after = [...(input.stepEvents?.after ?? [])];
    const succeeded = () => after.splice(0).map((e) => ({ ...e, at: Date.now() }));
    try {
      const output = await performOnce(input, context, await steps.sentBefore(attempt), () =>
        steps.record([...early.splice(0), ...steps.own('sent'), ...(updatesProfile(input.step) ? [] : succeeded())]),
      );
      await steps.record([...early.splice(0), ...succeeded()]); // when the call was skipped, or the profile updated
      return { ...output, unrecorded: steps.unrecorded.length > 0 ? steps.unrecorded : undefined };
    } catch (error) {
      const final = (error instanceof ApplicationFailure && error.nonRetryable) || attempt >= (input.stepEvents?.attempts ?? Infinity);
      await steps.record([...early.splice(0), ...(final ? steps.own('failed', (error as Error).message) : [])]);
      throw error;
    }
  };

  const performOnce = async (
    input: EffectInput,
    context: Context,
    sentBefore: boolean,
    onSent: () => Promise<void>,
  ): Promise<EffectOutput> => {
    const client = destination(input.step);
    const profile = await deps.profiles.get(input.userId);
    const scope: RenderScope = { event: input.event, profile, vars: input.vars };
    const call = callFor(input.step, userRef(profile), scope, profile);
    // A retry after the destination already acted (the worker died, the server could not take the
    // result, or the profile update below failed) finds the destination's answer in the heartbeat
    // or its `sent` record in the step log, and does not call it again.
    const done = context.info.heartbeatDetails as { performed?: true; id?: string } | undefined;
    const skip = done?.performed || sentBefore;
    const result = skip
      ? { id: done?.id }
      : await client
          .perform(call, {
            idempotencyKey: `${input.workflowId}/${input.runId}/${input.step.id}`,
            signal: context.cancellationSignal,
            scheduledAt: context.info.currentAttemptScheduledTimestampMs,
          })
          .catch((error: unknown) => {
            throw asFailure(error, client.name);
          });
    if (!skip) {
      await onSent(); // the moment the answer arrives: from here on a retry skips the call
      context.heartbeat({ performed: true, id: result.id });
    }
    let vars: Record<string, unknown> | undefined;
    if (updatesProfile(input.step)) {
      await deps.profiles
        .update(input.userId, (p) => {
          vars = applyToProfile(input.step, p, call);
        })
        .catch((error: unknown) => {
          // A profile over its size limits stays over them: retrying cannot help.
          if (!(error instanceof ProfileLimitError)) throw error;
          throw ApplicationFailure.create({ type: 'ProfileTooLarge', message: error.message, nonRetryable: true });
        });
    }
    return { vars, id: result.id };
  };

  // One function performs every destination step; each kind has its own activity name (history, rate limits).
  const effects = Object.fromEntries(Object.values(ACTIVITY_FOR).map((name) => [name, perform])) as Record<EffectActivity, typeof perform>;
  return {
    ...effects,
    readProfile: (userId: string) => deps.profiles.get(userId),
    claimSend: (input) => deps.profiles.claimSend(input.userId, input.claim, input.caps),
    async recordSteps(events: StepEvent[]) {
      const steps = stepRecorder(deps.stepLog);
      await steps.record(events);
      return steps.unrecorded;
    },
  };
}

/**
 * Records step events for one activity. A log that is unreachable does not fail the step: the
 * events go back to the run (`unrecorded`), which records them with its next activity.
 */
function stepRecorder(log: StepLog | undefined, input?: EffectInput) {
  const unrecorded: StepEvent[] = [];
  const on = log !== undefined && (input === undefined || input.stepEvents !== undefined);
  /** The step's own event (none when the run records no events). */
  const own = (outcome: StepOutcome, message?: string): StepEvent[] => {
    if (!on || !input?.stepEvents) return [];
    const { workflowId, runId, flowId, userId, step, stepEvents } = input;
    const e = {
      flowId,
      version: stepEvents.version,
      workflowId,
      runId,
      userId,
      step: step.id,
      outcome,
      ...(message ? { message } : {}),
      at: stepEvents.at,
    };
    return [{ id: stepEventId(e), ...e }];
  };
  return {
    unrecorded,
    own,
    async record(events: StepEvent[]): Promise<void> {
      if (!on || events.length === 0) return;
      try {
        await log.record(events);
      } catch (error) {
        console.warn(`step log: ${events.length} step events not recorded yet (${(error as Error).message}); the run keeps them`);
        unrecorded.push(...events);
      }
    },
    /** Whether an earlier attempt recorded the call as sent (only asked on a retry). */
    async sentBefore(attempt: number): Promise<boolean> {
      const [sent] = attempt > 1 ? own('sent') : [];
      return sent ? log!.has(sent.id, sent.at).catch(() => false) : false;
    },
  };
}
