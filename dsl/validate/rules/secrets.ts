import { envName, hasUserInfo, isLiteralCredential } from '../secrets.ts';
import { allSteps, isRecord, templatesOf } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/**
 * No credential written into a flow file: flows live in git and their text travels into Temporal
 * history. The same test as flows.config.yaml's; findings never quote the value.
 */
export const secrets = defineRule({
  ids: { 'literal-secret': 'a credential written as a literal (a header value, user:password@ in a URL) instead of an ${ENV} reference' },
  check(ctx) {
    for (const visit of allSteps(ctx.flow.steps)) {
      if (visit.kind !== 'webhook') continue;
      const headers = isRecord(visit.body) && isRecord(visit.body.headers) ? visit.body.headers : {};
      for (const [header, value] of Object.entries(headers)) {
        if (typeof value !== 'string' || !isLiteralCredential(header, value, true)) continue;
        const example = `${header}: "\${${envName('webhook', header)}}"`;
        const path = [...visit.path, 'webhook', 'headers', header];
        ctx.report('literal-secret', path, `header '${header}' of step ${visit.id} holds a literal credential`, {
          hint: `move it to a webhook destination's headers in flows.config.yaml as ${example}, and name that destination in the step`,
          sensitive: true,
        });
      }
    }
    for (const { value, path } of templatesOf(ctx.flow)) {
      if (!hasUserInfo(value)) continue;
      const field = [...path].reverse().find((p) => typeof p === 'string');
      ctx.report('literal-secret', path, `the URL in '${String(field)}' carries a user name or password before its host`, {
        hint: 'remove the user:password@ part; send credentials as headers of a webhook destination in flows.config.yaml, as ${ENV_VAR}',
        sensitive: true,
      });
    }
  },
});
