import { canPerform } from '../../dsl/language/capabilities.ts';
import type { FlowsConfig } from '../../dsl/language/config.ts';
import { isDestinationStep, STEP_KINDS } from '../../dsl/language/step-kinds.ts';
import { loadSchema } from '../../dsl/validate/schema-check.ts';

/** One key of a step as its form shows it: the control follows the schema's type for the key. */
export interface FormField {
  key: string;
  control: 'text' | 'number' | 'boolean' | 'choice' | 'duration' | 'destination' | 'yaml';
  required: boolean;
  /** The schema's words for the key. */
  doc?: string;
  choices?: string[];
}

/** What the editor's forms and palette need: every kind's keys, the keys any step takes, and the destinations each kind may use. */
export interface StepForms {
  kinds: Record<string, FormField[]>;
  /** Kinds written as one scalar (`wait: 3d`, `exit`): the form edits the kind's own value. */
  scalarKinds: string[];
  /** Keys every step may take beside its kind (`id`, `on_error`, `retry`, …). */
  common: FormField[];
  /** For each kind that calls a destination: the configured destinations whose type can do it. */
  destinations: Record<string, string[]>;
}

type Schema = Record<string, unknown> & { $ref?: string; properties?: Record<string, Schema>; required?: string[] };

const SCHEMA = loadSchema('flow') as Schema & { $defs: Record<string, Schema> };

const resolve = (s: Schema | undefined): Schema | undefined => (s?.$ref ? SCHEMA.$defs[s.$ref.replace('#/$defs/', '')] : s);

/** Keys edited on the canvas (branches) rather than in the form. */
const ON_CANVAS = new Set(['then', 'else', 'steps', 'branches']);

function fieldOf(key: string, raw: Schema, required: boolean): FormField {
  const own = raw.description as string | undefined;
  const s = resolve(raw) ?? {};
  const doc = own ?? (s.description as string | undefined);
  const base = { key, required, ...(doc ? { doc } : {}) };
  if (raw.$ref === '#/$defs/duration') return { ...base, control: 'duration' };
  if (raw.$ref === '#/$defs/destinationName') return { ...base, control: 'destination' };
  if (Array.isArray(s.enum)) return { ...base, control: 'choice', choices: s.enum.map(String) };
  if (s.const !== undefined) return { ...base, control: 'choice', choices: [String(s.const)] };
  if (s.type === 'integer' || s.type === 'number') return { ...base, control: 'number' };
  if (s.type === 'boolean') return { ...base, control: 'boolean' };
  if (s.type === 'string') return { ...base, control: 'text' };
  return { ...base, control: 'yaml' };
}

function fieldsOf(def: Schema | undefined): FormField[] {
  const s = resolve(def);
  const required = new Set(s?.required ?? []);
  return Object.entries(s?.properties ?? {})
    .filter(([key]) => !ON_CANVAS.has(key))
    .map(([key, raw]) => fieldOf(key, raw, required.has(key)));
}

const stepObject = SCHEMA.$defs.stepObject!;
const stepProps = stepObject.properties ?? {};

/** The forms, derived once from schema/flow.schema.json, so a key added there shows in the editor. */
const FORMS: Omit<StepForms, 'destinations'> = (() => {
  const kinds: Record<string, FormField[]> = {};
  const scalarKinds: string[] = [];
  for (const kind of STEP_KINDS) {
    const def = resolve(stepProps[kind]);
    if (def?.type === 'object' || def?.properties) kinds[kind] = fieldsOf(stepProps[kind]);
    else {
      scalarKinds.push(kind);
      kinds[kind] = kind === 'exit' ? [] : [fieldOf(kind, stepProps[kind]!, true)];
    }
  }
  // A split is a list of branches, edited on the canvas; its object form adds pick_winner.
  kinds.split = [{ key: 'pick_winner', control: 'yaml', required: false, doc: resolve(SCHEMA.$defs.pickWinner)?.description as string }];
  const common = Object.entries(stepProps)
    .filter(([key]) => !(STEP_KINDS as readonly string[]).includes(key))
    .map(([key, raw]) => fieldOf(key, raw, false));
  return { kinds, scalarKinds, common };
})();

export function stepForms(config: FlowsConfig): StepForms {
  const destinations: Record<string, string[]> = {};
  for (const kind of STEP_KINDS) {
    if (!isDestinationStep(kind)) continue;
    destinations[kind] = [...config.destinations.entries()].filter(([, d]) => canPerform(d.type, kind)).map(([name]) => name);
  }
  return { ...FORMS, destinations };
}
