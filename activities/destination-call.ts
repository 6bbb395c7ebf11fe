import type { DestinationCall, UserRef, VarChange } from '../destinations/types.ts';
import type { Profile } from '../store/store.ts';
import { renderMap, renderTemplate, renderValue, type RenderScope } from './render.ts';
import { renderUrl } from './render-url.ts';
import type { EffectStep } from './types.ts';

/** Who a call is for, as the destinations address a user. */
export const userRef = (profile: Profile): UserRef => ({
  id: profile.id,
  ...(profile.identities.email ? { email: profile.identities.email } : {}),
  identities: profile.identities,
});

/**
 * The destination call a step makes, its templates rendered for this user and run: what the
 * activity sends, and what the studio previews.
 */
export function callFor(step: EffectStep, user: UserRef, scope: RenderScope, profile: Profile): DestinationCall {
  switch (step.kind) {
    case 'set_var': {
      const vars: Record<string, VarChange> = {};
      for (const [name, op] of Object.entries(step.vars)) {
        vars[name] =
          op.op === 'increment'
            ? { increment: op.by, result: (Number(profile.vars[name]) || 0) + op.by }
            : op.op === 'delete'
              ? { delete: true }
              : { set: renderValue(op.value, scope) };
      }
      return { kind: 'set_var', user, vars };
    }
    case 'send_email':
      return { kind: 'send_email', user, template: step.template, vars: renderMap(step.vars, scope) };
    case 'send_push':
      return {
        kind: 'send_push',
        user,
        ...(step.title !== undefined ? { title: renderTemplate(step.title, scope) } : {}),
        body: renderTemplate(step.body, scope),
        ...(step.deepLink !== undefined ? { deepLink: renderTemplate(step.deepLink, scope) } : {}),
        vars: renderMap(step.vars, scope),
      };
    case 'send_sms':
      return { kind: 'send_sms', user, body: renderTemplate(step.body, scope) };
    case 'add_to_list':
    case 'remove_from_list':
      return { kind: step.kind, user, list: step.list };
    case 'send_event':
      return { kind: 'send_event', user, event: step.event, eventType: step.eventType, attributes: renderMap(step.attributes, scope) };
    case 'webhook':
      return {
        kind: 'webhook',
        user,
        url: renderUrl(step.url, scope),
        method: step.method,
        headers: Object.fromEntries(Object.entries(step.headers).map(([k, v]) => [k, renderTemplate(v, scope)])),
        ...(step.body !== undefined ? { body: renderValue(step.body, scope) } : {}),
      };
  }
}
