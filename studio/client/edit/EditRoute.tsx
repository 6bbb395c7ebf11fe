import { useEffect, useState } from 'react';
import { applyEdits } from '../../../dsl/edit/index.ts';
import type { EditAnswer, PictureAnswer } from '../../api.ts';
import { getJson } from '../fetch-json.ts';
import { EditorPage } from './EditorPage.tsx';
import { studioSession } from './session.ts';
import { NEW_TRIGGERS, newFlowText } from './step-templates.ts';

/** /flows/:id/edit: the file as its branch holds it, in the editor, with the live numbers of the version in the repository. */
export function EditFlowPage({ id }: { id: string }) {
  const [opened, setOpened] = useState<EditAnswer>();
  const [version, setVersion] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    // The CSRF token asked for alongside, so the editor's first check goes out at once.
    void studioSession().catch(() => undefined);
    getJson<EditAnswer>(`/api/edit/${encodeURIComponent(id)}`).then(setOpened, (e: Error) => setError(e.message));
    getJson<PictureAnswer>(`/api/flows/${encodeURIComponent(id)}/picture`).then(
      (p) => setVersion(p.version),
      () => undefined,
    );
  }, [id]);
  if (error) return <p className="error">{error}</p>;
  if (!opened) return <p className="muted">loading…</p>;
  return (
    <EditorPage
      opened={opened}
      numbersFor={version ? { flow: id, version } : undefined}
      onClose={() => (location.href = `/flows/${encodeURIComponent(id)}`)}
    />
  );
}

const FLOW_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** /new: a new flow from a trigger, or from a copy of a flow; then the editor on its new file. */
export function NewFlowPage() {
  const [base, setBase] = useState<EditAnswer>();
  const [opened, setOpened] = useState<EditAnswer>();
  const [error, setError] = useState<string>();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [from, setFrom] = useState(NEW_TRIGGERS[0]!.key);
  useEffect(() => {
    getJson<EditAnswer>('/api/edit').then(setBase, (e: Error) => setError(e.message));
  }, []);
  if (opened) return <EditorPage opened={opened} onClose={() => (location.href = '/')} />;
  if (!base) return error ? <p className="error">{error}</p> : <p className="muted">loading…</p>;
  const taken = base.flows.some((f) => f.flow === id);
  const idProblem = !id
    ? undefined
    : !FLOW_ID.test(id)
      ? 'lowercase words joined by -, e.g. spring-sale'
      : taken
        ? 'a flow has that id already'
        : undefined;
  const start = async () => {
    const file = `flows/${id}.yaml`;
    const trigger = NEW_TRIGGERS.find((t) => t.key === from);
    let text: string;
    if (trigger) text = newFlowText(id, name || id, trigger.yaml);
    else {
      const copy = await getJson<EditAnswer>(`/api/edit/${encodeURIComponent(from.replace(/^copy:/, ''))}`);
      const renamed = applyEdits(copy.text, [
        { op: 'set', path: ['flow'], value: id },
        { op: 'set', path: ['name'], value: name || id },
      ]);
      if (!renamed.ok) return setError(renamed.reason);
      text = renamed.text;
    }
    setOpened({ ...base, file, blob: null, text, flow: id });
  };
  return (
    <form
      className="new-flow"
      aria-labelledby="new-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (id && !idProblem) void start();
      }}
    >
      <h1 id="new-title">New flow</h1>
      {error ? <p className="error">{error}</p> : null}
      <label>
        flow id <input id="new-id" value={id} onChange={(e) => setId(e.target.value.trim())} aria-invalid={idProblem ? true : undefined} />
      </label>
      {idProblem ? <p className="field-error">{idProblem}</p> : null}
      <label>
        name <input id="new-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        starts from{' '}
        <select id="new-from" value={from} onChange={(e) => setFrom(e.target.value)}>
          <optgroup label="a trigger">
            {NEW_TRIGGERS.map((t) => (
              <option key={t.key} value={t.key}>
                {t.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="a copy of">
            {base.flows.map((f) => (
              <option key={f.flow} value={`copy:${f.flow}`}>
                {f.name} ({f.flow})
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <button type="submit" id="new-start" disabled={!id || Boolean(idProblem)}>
        Start editing
      </button>
    </form>
  );
}
