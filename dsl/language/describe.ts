import { isFieldName, OPERATOR_WORDS, type ConditionIR, type Operator } from './conditions.ts';
import { formatDuration } from './durations.ts';
import type { ScheduleIR, SplitBranchIR, StepIR, StepOf, TimeOfDayIR, TriggerIR } from './ir.ts';
import { WEEKDAY_NAMES } from './schedule.ts';
import type { TemplateIR } from './templates.ts';

/**
 * Words for people about compiled steps: the graph's boxes, the names `flows status`,
 * `flows simulate` and Temporal Web show. Pure, so the workflow uses it too. The boxes' lines
 * are whole (a drawing may shorten them with {@link shortText} and show the rest on hover);
 * a step's name ({@link stepLabel}) is shortened here.
 */
export type StepShape = 'action' | 'wait' | 'decision' | 'end';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A step's kind and a short summary, as lines of a box. */
export function describeStep(step: StepIR): { lines: string[]; shape: StepShape } {
  const box = (shape: StepShape, ...lines: string[]) => ({ lines, shape });
  switch (step.kind) {
    case 'set_var': {
      const ops = Object.entries(step.vars).map(([k, v]) =>
        v.op === 'increment' ? `${k} ${v.by < 0 ? '−' : '+'}${Math.abs(v.by)}` : v.op === 'delete' ? `${k} deleted` : k,
      );
      return box('action', `set_var · ${step.destination}`, ops.join(', '));
    }
    case 'send_email':
      return box('action', `send_email · ${step.destination}`, `template ${step.template}`);
    case 'send_push':
      return box('action', `send_push · ${step.destination}`, templateText(step.title ?? step.body));
    case 'send_sms':
      return box('action', `send_sms · ${step.destination}`, templateText(step.body));
    case 'add_to_list':
    case 'remove_from_list':
      return box('action', `${step.kind} · ${step.destination}`, `list ${step.list}`);
    case 'send_event':
      return box('action', `send_event · ${step.destination}`, step.event);
    case 'webhook':
      return box('action', `webhook ${step.method}`, templateText(step.url));
    case 'wait':
      return box('wait', `wait ${formatDuration(step.durationMs)}`);
    case 'wait_until': {
      const time = `${String(step.hour).padStart(2, '0')}:${String(step.minute).padStart(2, '0')}`;
      const days = step.days ? ` ${step.days.map((d) => DAYS[d - 1]).join(',')}` : '';
      const zone = step.timezone ? ('zone' in step.timezone ? ` ${step.timezone.zone}` : ` ${fieldText(step.timezone.field)}`) : '';
      return box('wait', `wait until ${time}${days}${zone}`);
    }
    case 'wait_for':
      return box('decision', `wait for ${step.event}`, `up to ${formatDuration(step.timeoutMs)}`);
    case 'check':
      return box('decision', 'check', conditionText(step.if));
    case 'split':
      return box('decision', splitHead(step), step.branches.map(branchText).join(' / '));
    case 'exit':
      return box('end', 'exit');
  }
}

/** `split`, and what its experiment does: picks a winner, or was told one (the YAML's override). */
function splitHead(step: StepOf<'split'>): string {
  if (!step.pickWinner) return 'split';
  return step.pickWinner.winner === undefined ? 'split · picks a winner' : `split · winner ${step.pickWinner.winner}`;
}

/** `A 40%`, `50%` (a branch named by its percent), `holdout 20% (control)`. */
const branchText = (b: SplitBranchIR): string =>
  `${b.label === `${b.percent}%` ? '' : `${b.label} `}${b.percent}%${b.control ? ' (control)' : ''}`;

/** Whether the author named the step (`id:`); derived ids are positions such as `#6.else.1`. */
export const hasOwnId = (step: StepIR): boolean => !step.id.startsWith('#');

/**
 * The name of a step for people: its own `id`, else its kind and summary with its line
 * (`wait 3d (line 35)`), never a bare position.
 */
export function stepLabel(step: StepIR): string {
  if (hasOwnId(step)) return step.id;
  const [head, detail] = describeStep(step).lines;
  return `${head}${detail ? `: ${shortText(detail)}` : ''} (line ${step.line})`;
}

/** The label and, for a named step, what it does: `long-nap — wait 1d (line 6)`. */
export function stepTitle(step: StepIR): string {
  if (!hasOwnId(step)) return stepLabel(step);
  const [head, detail] = describeStep(step).lines;
  return `${step.id} — ${head}${detail ? `: ${shortText(detail)}` : ''} (line ${step.line})`;
}

export function triggerText(trigger: TriggerIR): string[] {
  const where = trigger.where ? [`where ${conditionText(trigger.where)}`] : [];
  switch (trigger.kind) {
    case 'event':
      return [`event: ${trigger.event}`, ...where];
    case 'attribute_change':
      return [`attribute change: ${trigger.attributes.join(', ')}`, ...where];
    case 'identity_change':
      return [`identity change${trigger.identityType ? `: ${trigger.identityType}` : ''}`, ...where];
    case 'audience':
      return [`audience ${trigger.on}: ${trigger.audienceName ?? trigger.audienceId}`, ...where];
    case 'scheduled_audience':
      return [
        `audience ${trigger.audienceName}, ${trigger.enter === 'new' ? 'new members' : 'all members'} ${scheduleText(trigger.schedule)}`,
        ...(trigger.timezone ? [`time zone ${trigger.timezone}`] : []),
        ...where,
      ];
    case 'date': {
      const zone = trigger.timezone ? ` (${'zone' in trigger.timezone ? trigger.timezone.zone : fieldText(trigger.timezone.field)})` : '';
      const when = trigger.anniversary ? 'every year on' : 'on';
      return [`${when} ${fieldText(trigger.field)} at ${clock(trigger.at)}${zone}`, ...where];
    }
  }
}

const clock = (t: TimeOfDayIR): string => `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;

/** "mon, thu at 10:00" / "daily at 09:30, 17:00". */
function scheduleText(schedule: ScheduleIR): string {
  const days = schedule.days ? schedule.days.map((d) => WEEKDAY_NAMES[d - 1]).join(', ') : 'daily';
  return `${days} at ${schedule.times.map(clock).join(', ')}`;
}

const templateText = (t: TemplateIR): string => (typeof t === 'string' ? t : t.$liquid);

/** A line cut to `max` characters with `…`, for a name or a box of fixed width. */
export const shortText = (s: string, max = 60): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * A condition as a person writes it: `points ≥ 100 and profile.tier = gold`,
 * `plan is one of pro, team`, `(a or b) and not (c)`. The event's own attributes go by their
 * name, the profile's by `profile.NAME`; a name that could be read as another field keeps
 * its whole path.
 */
export function conditionText(c: ConditionIR): string {
  if ('all' in c) return c.all.map(part).join(' and ');
  if ('any' in c) return c.any.map(part).join(' or ');
  if ('not' in c) return `not (${conditionText(c.not)})`;
  if (c.op === 'exists') return `${fieldText(c.field)} ${c.value === false ? 'is not set' : OPERATOR_WORDS.exists}`;
  return `${fieldText(c.field)} ${OPERATOR_WORDS[c.op]} ${operandText(c.op, c.value)}`;
}

/** A part of an `and`/`or`: a group in parentheses (a group of one is just its part). */
const part = (c: ConditionIR): string => {
  const list = 'all' in c ? c.all : 'any' in c ? c.any : undefined;
  if (!list) return conditionText(c);
  return list.length === 1 ? part(list[0]!) : `(${conditionText(c)})`;
};

/** `event.attributes.points` → `points`, `profile.attributes.tier` → `profile.tier`; `event.name`, `vars.x` as they are. */
function fieldText(field: readonly string[]): string {
  const [root, second, name] = field;
  if (second === 'attributes' && name !== undefined && !isFieldName(root!, name)) {
    if (root === 'event') return field.slice(2).join('.');
    if (root === 'profile') return ['profile', ...field.slice(2)].join('.');
  }
  return field.join('.');
}

function operandText(op: Operator, value: unknown): string {
  if (op === 'within_last') return formatDuration(Number(value));
  if (op === 'matches') return `/${String(value)}/`;
  if (Array.isArray(value)) return value.map(valueText).join(', ');
  return valueText(value);
}

/** Text bare when it reads as itself (`gold`, `2026-01-31`, `a@b.com`), quoted when it has spaces or could be taken for a word of the sentence. */
function valueText(value: unknown): string {
  if (typeof value === 'string') {
    return /^[\p{L}\p{N}_@.:/+-]+$/u.test(value) && !QUOTED_WORDS.has(value.toLowerCase()) ? value : JSON.stringify(value);
  }
  return JSON.stringify(value) ?? String(value);
}

/** Strings shown in quotes: they would read as another value or as a word of the sentence. */
const QUOTED_WORDS = new Set(['true', 'false', 'null', 'and', 'or', 'not', 'is', 'of']);
