import { loadSchema } from '../dsl/validate/schema-check.ts';
import type { DataPath } from '../dsl/language/data-path.ts';

type Schema = { [key: string]: unknown };

const isSchema = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);

/** What schema/flow.schema.json says about a place in a flow: the schemas that may apply there, and the first description. */
export interface SchemaAt {
  schemas: Schema[];
  description?: string;
}

let flowSchema: Schema | undefined;
const root = (): Schema => (flowSchema ??= loadSchema('flow'));

/** A `$ref` inside the file: `#/$defs/duration`. */
function deref(ref: string): Schema | undefined {
  let node: unknown = root();
  for (const part of ref.replace(/^#\//, '').split('/')) node = isSchema(node) ? node[part] : undefined;
  return isSchema(node) ? node : undefined;
}

/** A schema and every schema it stands for: its `$ref`, and each branch of if/then/else, oneOf, anyOf, allOf. */
function expand(schema: Schema, out: Schema[] = [], seen = new Set<Schema>()): Schema[] {
  if (seen.has(schema)) return out;
  seen.add(schema);
  out.push(schema);
  if (typeof schema.$ref === 'string') {
    const target = deref(schema.$ref);
    if (target) expand(target, out, seen);
  }
  for (const key of ['then', 'else']) if (isSchema(schema[key])) expand(schema[key], out, seen);
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    const list = schema[key];
    if (Array.isArray(list)) for (const item of list) if (isSchema(item)) expand(item, out, seen);
  }
  return out;
}

const descriptionOf = (schemas: readonly Schema[]): string | undefined =>
  schemas.map((s) => s.description).find((d): d is string => typeof d === 'string');

/** The schemas at a path of a flow's data: a key is looked up in `properties` (then `additionalProperties`), an index in `items`. */
export function schemaAt(path: DataPath): SchemaAt {
  let schemas = expand(root());
  for (const segment of path) {
    const next: Schema[] = [];
    for (const schema of schemas) {
      const child =
        typeof segment === 'number'
          ? schema.items
          : isSchema(schema.properties) && isSchema(schema.properties[segment])
            ? schema.properties[segment]
            : schema.additionalProperties;
      if (isSchema(child)) next.push(...expand(child));
    }
    if (next.length === 0) return { schemas: [] };
    schemas = next;
  }
  return { schemas, description: descriptionOf(schemas) };
}

/** The `$defs` completion tells values by: a value whose schemas include one is a duration, a destination's name, … */
export const SCHEMA_DEFS = {
  duration: () => deref('#/$defs/duration')!,
  destinationName: () => deref('#/$defs/destinationName')!,
  eventName: () => deref('#/$defs/eventName')!,
  step: () => deref('#/$defs/step')!,
};
