import { fieldProblem } from '../../language/conditions.ts';
import { parseSchedule, parseTimeOfDay, SCHEDULE_FORMAT } from '../../language/schedule.ts';
import { isTimeZone } from '../../language/time-zones.ts';
import { isRecord } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/** Keys that only mean something beside `schedule` (scheduled audience) or `date` (calendar). */
const SCHEDULE_KEYS = ['schedule', 'enter'] as const;
const DATE_KEYS = ['anniversary', 'at'] as const;

/**
 * Scheduled audience triggers (`audience` + `schedule`) and date triggers (`date`, `anniversary`,
 * `at`): the schedule text, the time of day, the date field, the zone, and keys on the wrong kind.
 */
export const triggerTiming = defineRule({
  ids: {
    'trigger-schedule': 'a scheduled audience trigger whose schedule text is malformed or that names no audience by name',
    'trigger-date': 'a date trigger whose field is not a profile field or whose `at` is not HH:MM',
    'time-zone': 'a time zone that is neither an IANA zone nor a profile field',
  },
  check(ctx) {
    const t = ctx.flow.trigger;
    if (!isRecord(t)) return;
    const here = (key: string) => ['trigger', key];

    if (t.schedule !== undefined) {
      if (t.audience === undefined) {
        ctx.report('trigger-schedule', here('schedule'), 'a schedule enters an audience’s members; this trigger names no audience', {
          target: 'key',
          hint: 'e.g. `trigger: { audience: vip, schedule: "mon,thu 10:00" }`',
        });
      } else if (isRecord(t.audience) && (t.audience.name === undefined || t.audience.on !== undefined)) {
        // Profiles keep audience names (ingest/profile-update.ts), and a schedule enters members, not changes.
        ctx.report('trigger-schedule', here('audience'), 'a scheduled audience is named by its name alone (profiles keep names)', {
          hint: 'e.g. `audience: vip`',
        });
      }
      if (!parseSchedule(t.schedule)) {
        ctx.report('trigger-schedule', here('schedule'), `'${String(t.schedule)}' is not a schedule`, { hint: `write ${SCHEDULE_FORMAT}` });
      }
    } else {
      for (const key of SCHEDULE_KEYS.filter((k) => k in t)) {
        ctx.report('trigger-schedule', here(key), `\`${key}\` applies to a scheduled audience trigger, which has \`schedule\``, {
          target: 'key',
          hint: 'add `schedule: "mon,thu 10:00"` beside `audience`, or remove it',
        });
      }
    }

    if (t.date !== undefined) {
      const field = String(t.date);
      const problem = field.startsWith('profile.') ? fieldProblem(field) : { message: `'${field}' is not a profile field` };
      if (problem) {
        ctx.report('trigger-date', here('date'), `${problem.message}: a date trigger reads the date from the profile`, {
          hint: `e.g. profile.attributes.${field.split('.').at(-1)}`,
        });
      }
      if (t.at !== undefined && !parseTimeOfDay(t.at)) {
        ctx.report('trigger-date', here('at'), `'${String(t.at)}' is not a time of day`, {
          hint: 'write HH:MM on a 24-hour clock, e.g. "09:00"',
        });
      }
    } else {
      for (const key of DATE_KEYS.filter((k) => k in t)) {
        ctx.report('trigger-date', here(key), `\`${key}\` applies to a date trigger, which has \`date\``, {
          target: 'key',
          hint: 'add `date: profile.attributes.birthday`, or remove it',
        });
      }
    }

    const zone = t.timezone;
    if (typeof zone === 'string') {
      if (t.schedule === undefined && t.date === undefined) {
        ctx.report('time-zone', here('timezone'), 'a trigger’s `timezone` applies to a schedule or a date', { target: 'key' });
      } else if (t.date !== undefined && zone.startsWith('profile.')) {
        const problem = fieldProblem(zone);
        if (problem) ctx.report('time-zone', here('timezone'), problem.message, { hint: problem.hint });
      } else if (!isTimeZone(zone)) {
        ctx.report('time-zone', here('timezone'), `'${zone}' is not an IANA time zone`, {
          hint: t.date !== undefined ? 'a zone such as Europe/Paris, or a field such as profile.attributes.timezone' : 'e.g. Europe/Paris',
        });
      }
    }
  },
});
