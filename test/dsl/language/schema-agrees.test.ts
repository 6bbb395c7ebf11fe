import { expect, it } from 'vitest';
import { DESTINATION_TYPES } from '../../../dsl/language/capabilities.ts';
import { OPERATOR_WORDS } from '../../../dsl/language/conditions.ts';
import { FLOW_STATUSES } from '../../../dsl/language/ir.ts';
import { loadSchema } from '../../../dsl/validate/schema-check.ts';

// The JSON Schemas are what authors' editors read; the language's tables are what Flowline runs.
// A status or destination type added to one and not the other would validate and then fail (or the reverse).
it('the flow schema offers exactly the statuses the language knows', () => {
  const defs = loadSchema('flow').$defs as Record<string, { enum?: string[] }>;
  expect(defs.status?.enum).toEqual([...FLOW_STATUSES]);
});

it('the config schema offers exactly the destination types there are clients for', () => {
  const defs = loadSchema('config').$defs as Record<string, { enum?: string[] }>;
  expect(defs.destinationType?.enum).toEqual(DESTINATION_TYPES);
});

it('the flow schema offers exactly the condition operators the language has words for', () => {
  const defs = loadSchema('flow').$defs as Record<string, { properties?: Record<string, unknown> }>;
  expect(Object.keys(defs.operators?.properties ?? {}).sort()).toEqual(Object.keys(OPERATOR_WORDS).sort());
});
