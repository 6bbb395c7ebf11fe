import type { Channel } from './channels.ts';
import { compileCondition, conditionLeaves, fieldProblem, operandProblem, type ConditionIR } from './conditions.ts';
import { parseDuration } from './durations.ts';
import type { TimeOfDayIR } from './ir.ts';
import { parseTimeOfDay } from './schedule.ts';
import type { DataPath } from './data-path.ts';
import { isTimeZone } from './time-zones.ts';

/** `caps:` in flows.config.yaml: at most `max` sends on a channel per user within `perMs`, across every flow. */
export interface CapIR {
  channel: Channel;
  max: number;
  perMs: number;
  /** A capped send is skipped (the run goes on), or waits until the cap allows it. */
  then: 'skip' | 'wait';
}

/** `quiet_hours:` in the user's zone: `timezone` (a zone or a profile field), else the config's zone. */
export interface QuietHoursIR {
  from: TimeOfDayIR;
  to: TimeOfDayIR;
  then: 'wait' | 'skip';
  timezone: { zone: string } | { field: string[] };
}

/**
 * The guardrails every marketing send (a step with a channel, see channels.ts) passes. Travels in
 * the run input only when the config has one, so runs without them replay as before.
 */
export interface GuardrailsIR {
  caps?: CapIR[];
  quietHours?: QuietHoursIR;
  /** No marketing send goes out while this holds on the user's fresh profile. */
  suppress?: ConditionIR;
}

/** Where quiet hours read the user's zone when the config names none. */
const DEFAULT_QUIET_ZONE_FIELD = 'profile.attributes.timezone';

/** The ids the guardrail checks report, all declared by other passes (config.ts lists them as used). */
export const GUARDRAIL_RULES = ['invalid-value', 'time-zone', 'condition-field', 'condition-value'] as const;

export interface GuardrailFinding {
  path: DataPath;
  rule: (typeof GUARDRAIL_RULES)[number];
  message: string;
  hint?: string | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads `caps`, `quiet_hours` and `suppress` from a config (schema-checked already; malformed parts
 * are left out) and says what the schema cannot: a window that is empty, a zone that is not one,
 * a suppression condition on anything but the profile.
 */
export function readGuardrails(raw: Record<string, unknown>): { guardrails?: GuardrailsIR; findings: GuardrailFinding[] } {
  const findings: GuardrailFinding[] = [];
  const out: GuardrailsIR = {};
  if (Array.isArray(raw.caps)) {
    const caps = raw.caps.flatMap((c): CapIR[] => {
      const perMs = isRecord(c) && typeof c.per === 'string' ? parseDuration(c.per) : undefined;
      if (!isRecord(c) || typeof c.channel !== 'string' || typeof c.max !== 'number' || !perMs) return [];
      return [{ channel: c.channel as Channel, max: c.max, perMs, then: c.then === 'wait' ? 'wait' : 'skip' }];
    });
    if (caps.length > 0) out.caps = caps;
  }
  const quiet = raw.quiet_hours;
  if (isRecord(quiet)) {
    const from = parseTimeOfDay(quiet.from);
    const to = parseTimeOfDay(quiet.to);
    const zone = typeof quiet.timezone === 'string' ? quiet.timezone : DEFAULT_QUIET_ZONE_FIELD;
    const field = zone.startsWith('profile.');
    if (from && to && from.hour === to.hour && from.minute === to.minute) {
      findings.push({
        path: ['quiet_hours', 'to'],
        rule: 'invalid-value',
        message: `quiet_hours from and to are both ${String(quiet.to)}: the window is empty`,
        hint: 'e.g. from: "21:00", to: "08:00"',
      });
    }
    const zoneProblem = field ? fieldProblem(zone) : isTimeZone(zone) ? undefined : { message: `'${zone}' is not an IANA time zone` };
    if (zoneProblem) findings.push({ path: ['quiet_hours', 'timezone'], rule: 'time-zone', hint: ZONE_HINT, ...zoneProblem });
    if (from && to && !zoneProblem) {
      out.quietHours = {
        from,
        to,
        then: quiet.then === 'skip' ? 'skip' : 'wait',
        timezone: field ? { field: zone.split('.') } : { zone },
      };
    }
  }
  if (isRecord(raw.suppress)) {
    const before = findings.length;
    for (const leaf of conditionLeaves(raw.suppress, ['suppress'])) {
      const problem = leaf.field.startsWith('profile.')
        ? fieldProblem(leaf.field)
        : { message: `suppress reads the profile only, not '${leaf.field}'`, hint: `e.g. profile.attributes.unsubscribed` };
      if (problem) findings.push({ path: leaf.path, rule: 'condition-field', ...problem });
      const operand = operandProblem(leaf.op, leaf.value);
      if (operand) findings.push({ path: [...leaf.path, leaf.op], rule: 'condition-value', ...operand });
    }
    if (findings.length === before) out.suppress = compileCondition(raw.suppress);
  }
  return { ...(Object.keys(out).length > 0 ? { guardrails: out } : {}), findings };
}

const ZONE_HINT = 'write a zone such as Europe/Paris, or a field such as profile.attributes.timezone';
