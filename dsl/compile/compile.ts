import { createHash } from 'node:crypto';
import { compileCondition } from '../language/conditions.ts';
import { DEFAULT_WEBHOOK_DESTINATION } from '../language/destination-defaults.ts';
import { parseDuration } from '../language/durations.ts';
import {
  IR_VERSION,
  type FlowIR,
  type GoalIR,
  type PickWinnerIR,
  type StepIR,
  type TemplateValueIR,
  type TriggerIR,
  type VarOperationIR,
} from '../language/ir.ts';
import { parseSchedule, parseTimeOfDay, WEEKDAY_NAMES } from '../language/schedule.ts';
import { lineOf, type SourceFile } from '../parse/source.ts';
import { compileTemplate } from '../language/templates.ts';
import {
  branchesOf,
  kindBranchesOf,
  listVisits,
  splitParts,
  type AdmittedVisit,
  type RawFlow,
  type RawGoal,
  type StepVisit,
} from '../parse/walk.ts';

const WEEKDAYS: readonly string[] = WEEKDAY_NAMES;

/** How long after entry a goal counts when it names no `within`. */
const DEFAULT_GOAL_WITHIN = '7d';

/** Compile a flow that passed every check. Throws only on input the checks would have refused. */
export function compileFlow(source: SourceFile, file: string): FlowIR {
  const flow = source.data as RawFlow;
  const body = {
    flow: flow.flow,
    name: flow.name ?? flow.flow,
    status: flow.status ?? 'active',
    // Only when declared, as goals below.
    ...(flow.active ? { active: { ...flow.active, then: flow.active.then ?? 'finish' } } : {}),
    trigger: compileTrigger(flow.trigger),
    entry: {
      reentry: (flow.entry?.reentry ?? 'after_exit') as FlowIR['entry']['reentry'],
      ...(flow.entry?.frequency ? { frequency: { max: flow.entry.frequency.max, perMs: ms(flow.entry.frequency.per) } } : {}),
    },
    exitWhen: (flow.exit_when ?? []).map((e) => ({ event: e.event, ...where(e.where) })),
    // Only when declared: a key absent from older flows keeps their version hash.
    ...(flow.goals ? { goals: flow.goals.map(compileGoal) } : {}),
    steps: compileSteps(source, flow.steps, ['steps'], '#'),
  };
  return { irVersion: IR_VERSION, ...body, version: contentHash(body), source: file };
}

/** A short hash of the canonical JSON: the flow's version. */
function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 12);
}

/** Keys that only say where something is written; moving text around must not change the version. */
const PRESENTATION_KEYS = new Set(['line']);

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([k, v]) => v !== undefined && !PRESENTATION_KEYS.has(k));
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const ms = (text: string): number => parseDuration(text)!;

const where = (raw: unknown) => (raw === undefined ? {} : { where: compileCondition(raw) });

function compileGoal(goal: RawGoal): GoalIR {
  return {
    name: goal.name ?? goal.event,
    event: goal.event,
    ...where(goal.where),
    withinMs: ms(goal.within ?? DEFAULT_GOAL_WITHIN),
    exit: goal.exit ?? false,
    ...(goal.value !== undefined ? { value: goal.value.split('.') } : {}),
  };
}

function compilePickWinner(raw: unknown): PickWinnerIR {
  const p = raw as { after: string; min_runs: number; confidence: number; winner?: string };
  return {
    afterMs: ms(p.after),
    minRuns: p.min_runs,
    confidence: p.confidence,
    winner: p.winner,
  };
}

function compileTrigger(raw: RawFlow['trigger']): TriggerIR {
  if (typeof raw.event === 'string') return { kind: 'event', event: raw.event, ...where(raw.where) };
  if (raw.attribute_change !== undefined) {
    const attributes = Array.isArray(raw.attribute_change) ? raw.attribute_change.map(String) : [String(raw.attribute_change)];
    return { kind: 'attribute_change', attributes, ...where(raw.where) };
  }
  if ('identity_change' in raw) {
    const type = raw.identity_change;
    return { kind: 'identity_change', ...(typeof type === 'string' ? { identityType: type } : {}), ...where(raw.where) };
  }
  if (raw.date !== undefined) return compileDateTrigger(raw);
  if (raw.schedule !== undefined) return compileScheduledTrigger(raw);
  const audience = (typeof raw.audience === 'string' ? { name: raw.audience } : raw.audience) as {
    id?: string | number;
    name?: string;
    on?: 'added' | 'removed';
  };
  return {
    kind: 'audience',
    ...(audience.id !== undefined ? { audienceId: String(audience.id) } : {}),
    audienceName: audience.name,
    on: audience.on ?? 'added',
    ...where(raw.where),
  };
}

/** `audience: NAME, schedule: …`: keys present only when written, so the IR says what the YAML says. */
function compileScheduledTrigger(raw: RawFlow['trigger']): TriggerIR {
  const audience = raw.audience as string | { name: string };
  return {
    kind: 'scheduled_audience',
    audienceName: typeof audience === 'string' ? audience : audience.name,
    schedule: parseSchedule(raw.schedule)!,
    enter: (raw.enter ?? 'new') as 'new' | 'all',
    ...(typeof raw.timezone === 'string' ? { timezone: raw.timezone } : {}),
    ...where(raw.where),
  };
}

function compileDateTrigger(raw: RawFlow['trigger']): TriggerIR {
  const zone = raw.timezone as string | undefined;
  return {
    kind: 'date',
    field: String(raw.date).split('.'),
    anniversary: raw.anniversary === true,
    at: parseTimeOfDay(raw.at ?? DEFAULT_DATE_AT)!,
    ...(zone === undefined ? {} : { timezone: /^profile\./.test(zone) ? { field: zone.split('.') } : { zone } }),
    ...where(raw.where),
  };
}

/** When a date trigger names no `at`: the start of the working day. */
const DEFAULT_DATE_AT = '09:00';

function compileSteps(source: SourceFile, steps: unknown[], path: readonly (string | number)[], prefix: string): StepIR[] {
  return listVisits(steps, path, prefix).map((visit) => compileStep(source, visit));
}

function templateValue(value: unknown): TemplateValueIR {
  if (typeof value === 'string') return compileTemplate(value);
  if (Array.isArray(value)) return value.map(templateValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, templateValue(v)]));
  }
  return value as number | boolean | null;
}

const templateMap = (value: unknown): Record<string, TemplateValueIR> =>
  (value === undefined ? {} : templateValue(value)) as Record<string, TemplateValueIR>;

function varOperation(value: unknown): VarOperationIR {
  if (value !== null && typeof value === 'object') {
    const op = value as { increment?: number; decrement?: number; delete?: true };
    if (op.increment !== undefined) return { op: 'increment', by: op.increment };
    if (op.decrement !== undefined) return { op: 'increment', by: -op.decrement };
    return { op: 'delete' };
  }
  return { op: 'set', value: typeof value === 'string' ? compileTemplate(value) : (value as number | boolean | null) };
}

/** `on_error`: a word, or `{ steps }` compiled as a branch (ids `#3.on_error.1`). */
function compileOnError(source: SourceFile, visit: StepVisit): StepIR['onError'] {
  const failure = branchesOf(visit).find((b) => b.onError);
  if (failure) return { steps: compileSteps(source, failure.steps, failure.path, `${visit.position}.${failure.idPart}.`) };
  return (visit.step.on_error as 'continue' | 'exit' | 'fail' | undefined) ?? 'fail';
}

function compileStep(source: SourceFile, visit: StepVisit): StepIR {
  const step = visit.step as {
    on_error?: StepIR['onError'];
    retry?: { attempts?: number; backoff?: string };
    caps?: 'ignore';
    quiet_hours?: StepIR['quietHours'];
    transactional?: true;
  };
  const base = {
    id: visit.id,
    position: visit.position,
    line: lineOf(source, visit.path),
    onError: compileOnError(source, visit),
    ...(step.retry
      ? {
          retry: {
            ...(step.retry.attempts ? { attempts: step.retry.attempts } : {}),
            ...(step.retry.backoff ? { backoffMs: ms(step.retry.backoff) } : {}),
          },
        }
      : {}),
    ...(step.caps === 'ignore' ? { caps: step.caps } : {}),
    quietHours: step.quiet_hours,
    ...(step.transactional === true ? { transactional: step.transactional } : {}),
  };
  // The compiler runs on flows the schema admitted: the step's kind says what its body holds.
  const { kind, body: b } = visit as AdmittedVisit;
  const branches = () =>
    kindBranchesOf(visit).map((branch) => compileSteps(source, branch.steps, branch.path, `${visit.position}.${branch.idPart}.`));
  switch (kind) {
    case 'set_var':
      return {
        ...base,
        kind: 'set_var',
        destination: b.destination,
        vars: Object.fromEntries(Object.entries(b.vars).map(([k, v]) => [k, varOperation(v)])),
      };
    case 'send_email':
      return { ...base, kind: 'send_email', destination: b.destination, template: b.template, vars: templateMap(b.vars) };
    case 'send_push':
      return {
        ...base,
        kind: 'send_push',
        destination: b.destination,
        ...(b.title !== undefined ? { title: compileTemplate(b.title) } : {}),
        body: compileTemplate(b.body),
        ...(b.deep_link !== undefined ? { deepLink: compileTemplate(b.deep_link) } : {}),
        vars: templateMap(b.vars),
      };
    case 'send_sms':
      return { ...base, kind: 'send_sms', destination: b.destination, body: compileTemplate(b.body) };
    case 'add_to_list':
    case 'remove_from_list':
      return { ...base, kind, destination: b.destination, list: String(b.list) };
    case 'send_event':
      return {
        ...base,
        kind: 'send_event',
        destination: b.destination,
        event: b.event,
        eventType: b.type ?? 'other',
        attributes: templateMap(b.attributes),
      };
    case 'webhook':
      return {
        ...base,
        kind: 'webhook',
        destination: b.destination ?? DEFAULT_WEBHOOK_DESTINATION,
        url: compileTemplate(b.url),
        method: b.method ?? (b.body === undefined ? 'GET' : 'POST'),
        headers: Object.fromEntries(Object.entries(b.headers ?? {}).map(([k, v]) => [k, compileTemplate(String(v))])),
        ...(b.body !== undefined ? { body: templateValue(b.body) } : {}),
      };
    case 'wait':
      return { ...base, kind: 'wait', durationMs: ms(b) };
    case 'wait_until': {
      const [hour, minute] = b.time.split(':').map(Number) as [number, number];
      const zone = b.timezone;
      return {
        ...base,
        kind: 'wait_until',
        hour,
        minute,
        ...(zone === undefined ? {} : { timezone: /^(profile|event|vars)\./.test(zone) ? { field: zone.split('.') } : { zone } }),
        ...(b.days ? { days: b.days.map((d) => WEEKDAYS.indexOf(d) + 1).sort() } : {}),
      };
    }
    case 'wait_for': {
      const [then, otherwise] = branches();
      return { ...base, kind: 'wait_for', event: b.event, ...where(b.where), timeoutMs: ms(b.timeout), then: then!, else: otherwise! };
    }
    case 'check': {
      const [then, otherwise] = branches();
      return { ...base, kind: 'check', if: compileCondition(b.if), then: then!, else: otherwise! };
    }
    case 'split': {
      const lists = branches();
      const pickWinner = splitParts(visit)!.pickWinner;
      return {
        ...base,
        kind: 'split',
        branches: kindBranchesOf(visit).map((branch, i) => ({
          label: branch.label,
          percent: branch.item!.value.percent as number,
          ...(branch.item!.value.control === true ? { control: true as const } : {}),
          steps: lists[i]!,
        })),
        ...(pickWinner ? { pickWinner: compilePickWinner(pickWinner.value) } : {}),
      };
    }
    case 'exit':
      return { ...base, kind: 'exit' };
    default:
      throw new Error(`cannot compile a step without exactly one kind at ${visit.position}`);
  }
}
