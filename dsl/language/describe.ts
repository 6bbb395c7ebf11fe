import type { ConditionIR } from './conditions.ts';
import { formatDuration } from './durations.ts';
import type { ScheduleIR, SplitBranchIR, StepIR, StepOf, TimeOfDayIR, TriggerIR } from './ir.ts';
import { WEEKDAY_NAMES } from './schedule.ts';
import type { TemplateIR } from './templates.ts';

/**
 * Words for people about compiled steps: the graph's boxes, the names `flows status`,
 * `flows simulate` and Temporal Web show. Pure, so the workflow uses it too.
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
      return box('action', `send_push · ${step.destination}`, short(templateText(step.title ?? step.body)));
    case 'send_sms':
      return box('action', `send_sms · ${step.destination}`, short(templateText(step.body)));
    case 'add_to_list':
    case 'remove_from_list':
      return box('action', `${step.kind} · ${step.destination}`, `list ${step.list}`);
    case 'send_event':
      return box('action', `send_event · ${step.destination}`, step.event);
    case 'webhook':
      return box('action', `webhook ${step.method}`, short(templateText(step.url)));
    case 'wait':
      return box('wait', `wait ${formatDuration(step.durationMs)}`);
    case 'wait_until': {
      const time = `${String(step.hour).padStart(2, '0')}:${String(step.minute).padStart(2, '0')}`;
      const days = step.days ? ` ${step.days.map((d) => DAYS[d - 1]).join(',')}` : '';
      const zone = step.timezone ? ('zone' in step.timezone ? ` ${step.timezone.zone}` : ` ${step.timezone.field.join('.')}`) : '';
      return box('wait', `wait until ${time}${days}${zone}`);
    }
    case 'wait_for':
      return box('decision', `wait for ${step.event}`, `up to ${formatDuration(step.timeoutMs)}`);
    case 'check':
      return box('decision', 'check', short(conditionText(step.if)));
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
  return `${head}${detail ? `: ${detail}` : ''} (line ${step.line})`;
}

/** The label and, for a named step, what it does: `long-nap — wait 1d (line 6)`. */
export function stepTitle(step: StepIR): string {
  if (!hasOwnId(step)) return stepLabel(step);
  const [head, detail] = describeStep(step).lines;
  return `${step.id} — ${head}${detail ? `: ${detail}` : ''} (line ${step.line})`;
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
      const zone = trigger.timezone ? ` (${'zone' in trigger.timezone ? trigger.timezone.zone : trigger.timezone.field.join('.')})` : '';
      const when = trigger.anniversary ? 'every year on' : 'on';
      return [`${when} ${trigger.field.join('.')} at ${clock(trigger.at)}${zone}`, ...where];
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

const short = (s: string, max = 60): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function conditionText(c: ConditionIR): string {
  if ('all' in c) return c.all.map(wrap).join(' and ');
  if ('any' in c) return c.any.map(wrap).join(' or ');
  if ('not' in c) return `not ${wrap(c.not)}`;
  const value = c.op === 'within_last' ? formatDuration(Number(c.value)) : JSON.stringify(c.value);
  return `${c.field.join('.')} ${c.op} ${value}`;
}

const wrap = (c: ConditionIR): string => ('field' in c ? conditionText(c) : `(${conditionText(c)})`);
