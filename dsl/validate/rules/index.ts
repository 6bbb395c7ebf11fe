import { activeWindow } from './active-window.ts';
import { conditions } from './conditions.ts';
import { destinations } from './destinations.ts';
import { durations } from './durations.ts';
import { entry } from './entry.ts';
import { experiments } from './experiments.ts';
import { goals } from './goals.ts';
import { onErrorSteps } from './on-error-steps.ts';
import { secrets } from './secrets.ts';
import { split } from './split.ts';
import { stepIds } from './step-ids.ts';
import { stepKind } from './step-kind.ts';
import { stepOptions } from './step-options.ts';
import { templates } from './templates.ts';
import { trigger } from './trigger.ts';
import { triggerTiming } from './trigger-timing.ts';
import { unreachable } from './unreachable.ts';
import { vars } from './vars.ts';
import { waitUntil } from './wait-until.ts';

/** The semantic rules, run in this order on a flow that passed the schema. */
export const RULES = [
  trigger,
  triggerTiming,
  stepKind,
  stepIds,
  durations,
  split,
  goals,
  experiments,
  conditions,
  templates,
  secrets,
  destinations,
  waitUntil,
  unreachable,
  vars,
  stepOptions,
  onErrorSteps,
  entry,
  activeWindow,
] as const;
