import { canPerform, LIMITS, typesThatCan } from '../../language/capabilities.ts';
import { isDestinationStep, type DestinationStep } from '../../language/step-kinds.ts';
import { suggestion } from '../../language/suggest.ts';
import { allSteps, isRecord } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/** Every destination a step names is defined in flows.config.yaml, and its type can do that step. */
export const destinations = defineRule({
  ids: {
    'unknown-destination': 'a step names a destination flows.config.yaml does not define',
    'destination-capability': 'a step asks a destination type for something it cannot do',
  },
  check(ctx) {
    const defined = [...ctx.config.destinations.keys()];
    const configFile = ctx.config.file ?? 'flows.config.yaml';
    for (const visit of allSteps(ctx.flow.steps)) {
      if (!isDestinationStep(visit.kind)) continue;
      const name = isRecord(visit.body) ? visit.body.destination : undefined;
      if (typeof name !== 'string') continue; // only webhook steps may omit it; the schema requires it elsewhere
      const path = [...visit.path, visit.kind, 'destination'];
      const destination = ctx.config.destinations.get(name);
      if (!destination && ctx.config.unusable?.has(name)) continue; // flows.config.yaml's own findings say why
      if (!destination) {
        ctx.report('unknown-destination', path, `destination '${name}' is not defined in ${configFile}`, {
          hint:
            suggestion(name, defined) ??
            `define it under \`destinations:\` in ${configFile}${defined.length ? ` (defined: ${defined.join(', ')})` : ''}`,
        });
        continue;
      }
      if (!canPerform(destination.type, visit.kind)) {
        const able = defined.filter((d) => canPerform(ctx.config.destinations.get(d)!.type, visit.kind as DestinationStep));
        ctx.report(
          'destination-capability',
          path,
          `destination '${name}' (${destination.type}) cannot ${visit.kind}: ${LIMITS[destination.type]}`,
          {
            hint: able.length
              ? `use a destination that can: ${able.join(', ')}`
              : `types that can ${visit.kind}: ${typesThatCan(visit.kind).join(', ')}`,
          },
        );
      }
    }
  },
});
