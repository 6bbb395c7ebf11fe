import type { StepPlace } from '../../../dsl/edit/index.ts';
import type { StepForms } from '../../api.ts';
import { newStep, PALETTE } from './step-templates.ts';

/** Where a new (or pasted) step goes, relative to the selected step. */
export type Placement = string;

/** The places a step can go near the selected one: after, before, and into each of its branches. */
export function placesFor(place: StepPlace | undefined, branches = 0): Array<{ value: Placement; label: string }> {
  if (!place)
    return [
      { value: 'end', label: 'at the end' },
      { value: 'start', label: 'at the start' },
    ];
  const out = [
    { value: 'after', label: 'after it' },
    { value: 'before', label: 'before it' },
  ];
  if (place.kind === 'check' || place.kind === 'wait_for') {
    out.push({ value: 'then', label: place.kind === 'check' ? 'into then (yes)' : 'into then (the event came)' });
    out.push({ value: 'else', label: place.kind === 'check' ? 'into else (no)' : 'into else (timed out)' });
  }
  if (place.kind === 'split') for (let i = 1; i <= Math.max(branches, 2); i++) out.push({ value: `branch${i}`, label: `into branch ${i}` });
  if (place.kind && !['wait', 'wait_until', 'wait_for', 'check', 'split', 'exit'].includes(place.kind))
    out.push({ value: 'on_error', label: 'into on_error (when it fails)' });
  return out;
}

export interface PaletteProps {
  forms: StepForms;
  place: StepPlace | undefined;
  /** Split branches of the selected step, when it is a split. */
  branches?: number;
  placement: Placement;
  onPlacement: (p: Placement) => void;
  onAdd: (step: unknown) => void;
}

/** Add a step of any kind, at a place chosen near the selected step (or at the end of the flow). */
export function Palette({ forms, place, branches = 0, placement, onPlacement, onAdd }: PaletteProps) {
  const choices = placesFor(place, branches);
  const chosen = choices.some((c) => c.value === placement) ? placement : choices[0]!.value;
  if (chosen !== placement) queueMicrotask(() => onPlacement(chosen));
  return (
    <section className="palette" aria-labelledby="palette-title">
      <h2 id="palette-title">Add a step</h2>
      <label>
        where{' '}
        <select id="placement" value={chosen} onChange={(e) => onPlacement(e.target.value)}>
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <div className="palette-kinds">
        {PALETTE.map((k) => (
          <button key={k.kind} type="button" data-kind={k.kind} onClick={() => onAdd(newStep(k.kind, forms))}>
            {k.label}
          </button>
        ))}
      </div>
    </section>
  );
}
