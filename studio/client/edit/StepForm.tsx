import type { DataPath } from '../../../dsl/language/data-path.ts';
import type { FlowEdit, StepPlace } from '../../../dsl/edit/index.ts';
import type { Finding, FormField, StepForms } from '../../api.ts';
import { Field } from './fields.tsx';

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Findings on lines of this step, by the key whose line they fall on (else under the step as a whole). */
function problemsByKey(findings: readonly Finding[], keyLines: Map<string, number>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of findings) {
    const key = [...keyLines].find(([, line]) => line === f.line)?.[0] ?? '';
    out.set(key, [...(out.get(key) ?? []), `${f.message}${f.hint ? ` (hint: ${f.hint})` : ''}`]);
  }
  return out;
}

export interface StepFormProps {
  place: StepPlace;
  /** The step as the file holds it (a map, or `exit`). */
  step: unknown;
  forms: StepForms;
  findings: readonly Finding[];
  /** Lines of the step's keys in the file (body keys and step keys). */
  keyLines: Map<string, number>;
  /** The id the step had in the file as opened, when it was renamed since. */
  renamedFrom: string | undefined;
  onEdit: (edit: FlowEdit) => void;
}

/** The selected step as a form made from the schema: its kind's keys, then the keys every step takes; split branches as rows. */
export function StepForm({ place, step, forms, findings, keyLines, renamedFrom, onEdit }: StepFormProps) {
  const kind = place.kind;
  if (!kind) return <p className="muted">This step has no single kind: fix it in the YAML.</p>;
  const map = isMap(step) ? step : {};
  const body = map[kind];
  const scalar = forms.scalarKinds.includes(kind);
  const problems = problemsByKey(findings, keyLines);
  const bodyPath: DataPath = [...place.path, kind];
  const kindFields = forms.kinds[kind] ?? [];
  const bodyValue = (f: FormField) => (scalar ? body : isMap(body) ? body[f.key] : undefined);
  const setBody = (f: FormField, value: unknown) =>
    onEdit(
      value === undefined && !scalar ? { op: 'delete', path: [...bodyPath, f.key] } : { op: 'setStep', step: place.id, key: f.key, value },
    );
  const setCommon = (f: FormField, value: unknown) =>
    onEdit(value === undefined ? { op: 'delete', path: [...place.path, f.key] } : { op: 'set', path: [...place.path, f.key], value });
  const id = typeof map.id === 'string' ? map.id : undefined;
  return (
    <form className="step-form" aria-label={`the ${kind} step ${place.id}`} onSubmit={(e) => e.preventDefault()}>
      <h2>
        {kind} <code>{place.id}</code>
      </h2>
      {(problems.get('') ?? []).map((p) => (
        <p key={p} className="field-error" data-finding>
          {p}
        </p>
      ))}
      {(kind === 'split' && Array.isArray(body) ? [] : kindFields).map((f) => (
        <Field
          key={`${place.id}:${f.key}`}
          field={f}
          value={bodyValue(f)}
          destinations={forms.destinations[kind]}
          problems={problems.get(f.key) ?? []}
          onCommit={(v) => setBody(f, v)}
        />
      ))}
      {kind === 'split' ? <SplitBranches place={place} body={body} onEdit={onEdit} /> : null}
      {isMap(step)
        ? forms.common.map((f) => (
            <Field
              key={`${place.id}:${f.key}`}
              field={f}
              value={map[f.key]}
              problems={problems.get(f.key) ?? []}
              onCommit={(v) => setCommon(f, v)}
            />
          ))
        : null}
      {renamedFrom !== undefined && id !== renamedFrom ? (
        <p className="warning" role="status" id="rename-warning">
          Renamed from <code>{renamedFrom}</code>: this step&apos;s numbers, and any experiment keyed by its id, start afresh under the new
          id.
        </p>
      ) : null}
    </form>
  );
}

/** A split's branches: label and percent each, one removed, one added (percents are not rebalanced: validation says when they do not add up). */
function SplitBranches({ place, body, onEdit }: { place: StepPlace; body: unknown; onEdit: (edit: FlowEdit) => void }) {
  const listPath: DataPath = Array.isArray(body) ? [...place.path, 'split'] : [...place.path, 'split', 'branches'];
  const items = (Array.isArray(body) ? body : isMap(body) && Array.isArray(body.branches) ? body.branches : []) as unknown[];
  return (
    <fieldset className="branches">
      <legend>branches</legend>
      {items.map((raw, i) => {
        const b = isMap(raw) ? raw : {};
        return (
          <div className="branch-row" key={i} data-branch={i + 1}>
            <Field
              field={{ key: 'label', control: 'text', required: false }}
              value={b.label}
              onCommit={(v) =>
                onEdit(
                  v === undefined
                    ? { op: 'delete', path: [...listPath, i, 'label'] }
                    : { op: 'set', path: [...listPath, i, 'label'], value: v },
                )
              }
            />
            <Field
              field={{ key: 'percent', control: 'number', required: true }}
              value={b.percent}
              onCommit={(v) => onEdit({ op: 'set', path: [...listPath, i, 'percent'], value: v ?? 0 })}
            />
            <button
              type="button"
              className="remove-branch"
              aria-label={`remove branch ${i + 1}`}
              title={`remove branch ${i + 1}`}
              disabled={items.length <= 2}
              onClick={() => onEdit({ op: 'delete', path: [...listPath, i] })}
            >
              ×
            </button>
          </div>
        );
      })}
      <button
        type="button"
        onClick={() =>
          onEdit({
            op: 'insert',
            path: listPath,
            index: items.length,
            value: { label: `branch ${items.length + 1}`, percent: 0, steps: [] },
          })
        }
      >
        add a branch
      </button>
    </fieldset>
  );
}

/** The flow's own keys, when no step is selected: name, status, trigger with its where, exit_when, goals, entry. */
export function FlowForm({ data, onEdit }: { data: unknown; onEdit: (edit: FlowEdit) => void }) {
  const map = isMap(data) ? data : {};
  const fields: FormField[] = [
    { key: 'name', control: 'text', required: true, doc: 'The flow as people name it.' },
    { key: 'status', control: 'choice', required: false, choices: ['active', 'paused', 'draft', 'finishing', 'stopped'] },
    { key: 'trigger', control: 'yaml', required: true, doc: 'What starts the flow (event, audience, date, …) and its where.' },
    { key: 'entry', control: 'yaml', required: false, doc: 'Who may enter again, and how often.' },
    { key: 'exit_when', control: 'yaml', required: false, doc: 'Events that end a run wherever it is.' },
    { key: 'goals', control: 'yaml', required: false, doc: 'What counts as a conversion.' },
  ];
  return (
    <form className="step-form" aria-label="the flow's settings" onSubmit={(e) => e.preventDefault()}>
      <h2>Flow settings</h2>
      {fields.map((f) => (
        <Field
          key={f.key}
          field={f}
          value={map[f.key]}
          onCommit={(v) => onEdit(v === undefined ? { op: 'delete', path: [f.key] } : { op: 'set', path: [f.key], value: v })}
        />
      ))}
    </form>
  );
}
