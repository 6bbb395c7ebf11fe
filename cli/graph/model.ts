import type { ConditionIR } from '../../dsl/conditions.ts';
import { formatDuration } from '../../dsl/durations.ts';
import type { FlowIR, StepIR, TriggerIR } from '../../dsl/ir.ts';
import type { TemplateIR } from '../../dsl/templates.ts';

/** A flow as boxes and arrows, independent of the drawing language. */
export interface GraphNode {
  id: string;
  lines: string[];
  shape: 'start' | 'action' | 'wait' | 'decision' | 'end';
}

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
}

export interface FlowGraph {
  title: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** An arrow still looking for the step it leads to. */
interface Loose {
  from: string;
  label?: string;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function flowGraph(flow: FlowIR): FlowGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const add = (lines: string[], shape: GraphNode['shape']): string => {
    const id = `n${nodes.length}`;
    nodes.push({ id, lines, shape });
    return id;
  };
  const connect = (loose: Loose[], to: string) => {
    for (const l of loose) edges.push({ from: l.from, to, ...(l.label ? { label: l.label } : {}) });
  };
  const branch = (steps: StepIR[], from: string, label: string): Loose[] => walk(steps, [{ from, label }]);
  const walk = (steps: StepIR[], incoming: Loose[]): Loose[] => {
    let loose = incoming;
    for (const step of steps) {
      const [lines, shape] = describe(step);
      const node = add(step.id.startsWith('#') ? lines : [...lines, `id: ${step.id}`], shape);
      connect(loose, node);
      switch (step.kind) {
        case 'exit':
          return [];
        case 'check':
          loose = [...branch(step.then, node, 'then'), ...branch(step.else, node, 'else')];
          break;
        case 'wait_for':
          loose = [...branch(step.then, node, `then: ${step.event}`), ...branch(step.else, node, `else: after ${formatDuration(step.timeoutMs)}`)];
          break;
        case 'split':
          loose = step.branches.flatMap((b) => branch(b.steps, node, b.label === `${b.percent}%` ? b.label : `${b.label} ${b.percent}%`));
          break;
        default:
          loose = [{ from: node }];
      }
    }
    return loose;
  };
  const start = add(triggerLines(flow.trigger), 'start');
  const loose = walk(flow.steps, [{ from: start }]);
  if (loose.length > 0) connect(loose, add(['done'], 'end'));
  const status = flow.status === 'active' ? '' : ` (${flow.status})`;
  return { title: `${flow.name}${status}`, nodes, edges };
}

function triggerLines(trigger: TriggerIR): string[] {
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
  }
}

function describe(step: StepIR): [string[], GraphNode['shape']] {
  switch (step.kind) {
    case 'set_var':
      return [[`set_var · ${step.destination}`, Object.entries(step.vars).map(([k, v]) => (v.op === 'increment' ? `${k} ${v.by < 0 ? '−' : '+'}${Math.abs(v.by)}` : v.op === 'delete' ? `${k} deleted` : k)).join(', ')], 'action'];
    case 'send_email':
      return [[`send_email · ${step.destination}`, `template ${step.template}`], 'action'];
    case 'send_push':
      return [[`send_push · ${step.destination}`, short(text(step.title ?? step.body))], 'action'];
    case 'send_sms':
      return [[`send_sms · ${step.destination}`, short(text(step.body))], 'action'];
    case 'add_to_list':
    case 'remove_from_list':
      return [[`${step.kind} · ${step.destination}`, `list ${step.list}`], 'action'];
    case 'send_event':
      return [[`send_event · ${step.destination}`, step.event], 'action'];
    case 'webhook':
      return [[`webhook ${step.method}`, short(text(step.url))], 'action'];
    case 'wait':
      return [[`wait ${formatDuration(step.durationMs)}`], 'wait'];
    case 'wait_until': {
      const time = `${String(step.hour).padStart(2, '0')}:${String(step.minute).padStart(2, '0')}`;
      const days = step.days ? ` ${step.days.map((d) => DAYS[d - 1]).join(',')}` : '';
      const zone = step.timezone ? ('zone' in step.timezone ? ` ${step.timezone.zone}` : ` ${step.timezone.field.join('.')}`) : '';
      return [[`wait until ${time}${days}${zone}`], 'wait'];
    }
    case 'wait_for':
      return [[`wait for ${step.event}`, `up to ${formatDuration(step.timeoutMs)}`], 'decision'];
    case 'check':
      return [['check', short(conditionText(step.if))], 'decision'];
    case 'split':
      return [['split'], 'decision'];
    case 'exit':
      return [['exit'], 'end'];
  }
}

const text = (t: TemplateIR): string => (typeof t === 'string' ? t : t.$liquid);

const short = (s: string, max = 60): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function conditionText(c: ConditionIR): string {
  if ('all' in c) return c.all.map(wrap).join(' and ');
  if ('any' in c) return c.any.map(wrap).join(' or ');
  if ('not' in c) return `not ${wrap(c.not)}`;
  const value = c.op === 'within_last' ? formatDuration(Number(c.value)) : JSON.stringify(c.value);
  return `${c.field.join('.')} ${c.op} ${value}`;
}

const wrap = (c: ConditionIR): string => ('field' in c ? conditionText(c) : `(${conditionText(c)})`);
