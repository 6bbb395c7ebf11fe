import { useId, useState } from 'react';
import { parse, stringify } from 'yaml';
import type { FormField } from '../../api.ts';

const DURATION = /^[0-9]+(s|m|h|d|w)$/;

/** What the field holds, as its control shows it. */
function shown(field: FormField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.control === 'yaml') return stringify(value).trimEnd();
  return String(value);
}

/** The typed text as the value to write; an error's words when it cannot be one. */
function read(field: FormField, text: string): { value: unknown } | { error: string } {
  if (text.trim() === '') return { value: undefined };
  switch (field.control) {
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? { value: n } : { error: 'a number' };
    }
    case 'duration':
      return DURATION.test(text.trim()) ? { value: text.trim() } : { error: 'a whole number and one unit: 30s, 15m, 2h, 3d, 1w' };
    case 'boolean':
      return { value: text === 'true' };
    case 'yaml':
      try {
        return { value: parse(text) as unknown };
      } catch (error) {
        return { error: `not YAML: ${(error as Error).message.split('\n')[0]}` };
      }
    default:
      return { value: text };
  }
}

export interface FieldProps {
  field: FormField;
  value: unknown;
  /** The destinations this step's kind may use (destination fields). */
  destinations?: readonly string[] | undefined;
  /** Findings of `flows validate` about this key. */
  problems?: readonly string[];
  /** The new value; undefined removes the key. */
  onCommit: (value: unknown) => void;
}

/**
 * One key of a step as a form control, generated from the schema: a choice for an enum, a
 * checkbox for a boolean, a destination list of those able to do the step, YAML for a map or a
 * condition. Typed text is checked as typed and written when the field is left (or on Enter).
 */
export function Field({ field, value, destinations, problems = [], onCommit }: FieldProps) {
  const id = useId();
  // What is typed, kept with the value it was typed over: a new value (an undo, a YAML edit) shows afresh.
  const [typed, setTyped] = useState({ over: value, text: shown(field, value) });
  const text = typed.over === value ? typed.text : shown(field, value);
  const setText = (t: string) => setTyped({ over: value, text: t });
  const got = read(field, text);
  const error = 'error' in got ? got.error : undefined;
  const commit = (t = text) => {
    const r = read(field, t);
    if ('error' in r) return;
    if (shown(field, r.value) !== shown(field, value)) onCommit(r.value);
  };
  const describedBy = `${id}-doc`;
  const label = (
    <label htmlFor={id}>
      {field.key}
      {field.required ? <span aria-hidden="true"> *</span> : null}
    </label>
  );
  let control;
  if (field.control === 'boolean') {
    control = (
      <input
        id={id}
        type="checkbox"
        checked={value === true}
        aria-describedby={describedBy}
        onChange={(e) => onCommit(e.target.checked ? true : undefined)}
      />
    );
  } else if (field.control === 'choice' || field.control === 'destination') {
    const options = field.control === 'destination' ? [...(destinations ?? [])] : [...(field.choices ?? [])];
    const current = shown(field, value);
    if (current && !options.includes(current)) options.unshift(current);
    control = (
      <select
        id={id}
        value={current}
        aria-describedby={describedBy}
        onChange={(e) => {
          setText(e.target.value);
          commit(e.target.value);
        }}
      >
        {!field.required || !current ? <option value="">{field.required ? 'choose…' : '(none)'}</option> : null}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
            {field.control === 'destination' && !(destinations ?? []).includes(o) ? ' (cannot do this step)' : ''}
          </option>
        ))}
      </select>
    );
  } else if (field.control === 'yaml') {
    control = (
      <textarea
        id={id}
        value={text}
        rows={Math.min(8, Math.max(2, text.split('\n').length))}
        spellCheck={false}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => commit()}
      />
    );
  } else {
    control = (
      <input
        id={id}
        type="text"
        inputMode={field.control === 'number' ? 'decimal' : undefined}
        value={text}
        spellCheck={false}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => commit()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
    );
  }
  return (
    <div className={`field${error || problems.length ? ' invalid' : ''}`} data-field={field.key}>
      {label}
      {control}
      <div id={describedBy} className="field-doc">
        {error ? <span className="field-error">{error}</span> : null}
        {problems.map((p) => (
          <span key={p} className="field-error" data-finding>
            {p}
          </span>
        ))}
        {field.doc ? <span className="muted">{field.doc}</span> : null}
      </div>
    </div>
  );
}
