import { useEffect, useState } from 'react';
import type { StepAnswer } from '../api.ts';
import { getJson } from './fetch-json.ts';
import { when } from './format.ts';

const runHref = (r: { workflowId: string; runId: string }) => `/runs?${new URLSearchParams({ workflowId: r.workflowId, runId: r.runId })}`;

/** The panel beside the picture: a step's YAML and place in its file, the runs waiting there, its latest failures. */
export function StepPanel({ flow, version, step, onClose }: { flow: string; version: string; step: string; onClose: () => void }) {
  // The answer is kept with the step it is for: another step's shows "loading…" until its own arrives.
  const [user, setUser] = useState('');
  const q = new URLSearchParams({ version, ...(user ? { user } : {}) });
  const url = `/api/flows/${encodeURIComponent(flow)}/steps/${encodeURIComponent(step)}?${q}`;
  const [got, setGot] = useState<{ url: string; answer?: StepAnswer; error?: string }>();
  useEffect(() => {
    getJson<StepAnswer>(url).then(
      (answer) => setGot({ url, answer }),
      (e: Error) => setGot({ url, error: e.message }),
    );
  }, [url]);
  const d = got?.url === url ? got.answer : undefined;
  const error = got?.url === url ? got.error : undefined;
  return (
    <aside className="panel" id="panel" aria-label="step details">
      <button type="button" className="close" onClick={onClose} aria-label="close the step panel">
        ×
      </button>
      {error ? <p className="error">{error}</p> : null}
      {!d && !error ? <p className="muted">loading…</p> : null}
      {d ? (
        <>
          <h2>{d.title}</h2>
          <div className="muted">
            <code id="step-place">
              {d.file}:{d.line}
            </code>
          </div>
          <table id="step-summary" className="summary">
            <tbody>
              {d.summary.map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {d.preview ? <Preview preview={d.preview} user={user} onUser={setUser} /> : null}
          <h3>YAML</h3>
          {d.yaml !== null ? (
            <pre id="step-yaml">{d.yaml}</pre>
          ) : (
            <div>
              <p className="muted">this version as compiled (its YAML may have changed since):</p>
              <pre id="step-yaml">{d.compiled}</pre>
            </div>
          )}
          {d.holdsRuns ? (
            <>
              <h2>Runs waiting here now: {d.total}</h2>
              {d.now.length ? (
                <table id="runs-here">
                  <thead>
                    <tr>
                      <th>User</th>
                      <th>Since</th>
                      <th>Until</th>
                      <th>Run</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.now.map((r) => (
                      <tr key={r.runId}>
                        <td>
                          <a href={runHref(r)}>{r.user}</a>
                        </td>
                        <td>{when(r.since)}</td>
                        <td>{when(r.until)}</td>
                        <td>
                          <a className="temporal-link" href={r.link} target="_blank" rel="noopener noreferrer">
                            Temporal Web
                          </a>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p className="muted">none (Temporal&apos;s search lags a moment behind the runs)</p>
              )}
              {d.total > d.now.length ? (
                <p className="muted">
                  showing {d.now.length} of {d.total}
                </p>
              ) : null}
            </>
          ) : null}
          <h2>Latest failures</h2>
          {d.failures.length ? (
            <ul id="failures">
              {d.failures.map((f, i) => (
                <li key={i}>
                  <code>{when(f.at)}</code> {f.user}: {f.message}{' '}
                  <a href={f.link} target="_blank" rel="noopener noreferrer">
                    run
                  </a>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">none</p>
          )}
        </>
      ) : null}
    </aside>
  );
}

/** What the step would send, rendered for a sample profile or the user typed in. */
function Preview({ preview, user, onUser }: { preview: NonNullable<StepAnswer['preview']>; user: string; onUser: (user: string) => void }) {
  const [typed, setTyped] = useState(user);
  return (
    <section id="preview" aria-labelledby="preview-title">
      <h3 id="preview-title">What it sends</h3>
      <form
        className="bar"
        onSubmit={(e) => {
          e.preventDefault();
          onUser(typed.trim());
        }}
      >
        <label>
          for user{' '}
          <input id="preview-user" value={typed} placeholder="a sample profile" size={16} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <button type="submit">Preview</button>
      </form>
      <p className="muted" id="preview-for">
        {preview.sample
          ? 'rendered for a sample profile (an email, no attributes: templates show their defaults) and an event like the trigger’s'
          : `rendered for ${preview.for}’s profile and an event like the trigger’s`}
      </p>
      {preview.problem ? <p className="error">{preview.problem}</p> : null}
      <dl className="preview">
        {preview.fields.map((f, i) => (
          <div key={i} data-field={f.label}>
            <dt>{f.label}</dt>
            <dd>{f.text}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
