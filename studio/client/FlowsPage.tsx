import { useEffect, useState } from 'react';
import type { FlowsAnswer } from '../api.ts';
import { getJson, query, setQuery } from './fetch-json.ts';
import { share } from './format.ts';
import { WindowPicker } from './WindowPicker.tsx';
import { EditLink } from './edit/EditLink.tsx';

/** How often the flows page reads its numbers again. */
const REFRESH_MS = 5000;

function Sparkline({ trend }: { trend: FlowsAnswer['flows'][number]['trend'] }) {
  const w = 80;
  const h = 20;
  const max = Math.max(1, ...trend.map((t) => t.entered));
  const step = trend.length > 1 ? w / (trend.length - 1) : 0;
  const points = trend.map((t, i) => `${(i * step).toFixed(1)},${(h - 2 - (t.entered / max) * (h - 4)).toFixed(1)}`).join(' ');
  return (
    <svg className="spark" width={w} height={h} role="img" aria-label={`runs entered per day: ${trend.map((t) => t.entered).join(', ')}`}>
      <title>{trend.map((t) => `${t.day}: ${t.entered}`).join('\n')}</title>
      <polyline points={points} />
    </svg>
  );
}

const COLUMNS = [
  ['now', 'Running now'],
  ['entered', 'Entered'],
  ['completed', 'Completed'],
  ['exited', 'Exited'],
  ['failed', 'Failed'],
] as const;

/** Every flow of the repository with its numbers, read again every few seconds. */
export function FlowsPage() {
  const [data, setData] = useState<FlowsAnswer>();
  const [error, setError] = useState<string>();
  const [window, setWindow] = useState(query.get('window') ?? '7d');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    let live = true;
    const read = () =>
      getJson<FlowsAnswer>(`/api/flows?window=${encodeURIComponent(window)}`).then(
        (d) => {
          if (!live) return;
          setData(d);
          setError(undefined);
          const corner = document.getElementById('live');
          if (corner) corner.textContent = `updated ${new Date().toLocaleTimeString()}`;
          timer = setTimeout(read, REFRESH_MS);
        },
        (e: Error) => {
          if (!live) return;
          setError(e.message);
          timer = setTimeout(read, REFRESH_MS);
        },
      );
    void read();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [window]);
  return (
    <>
      <h1>Flows</h1>
      <div className="bar">
        <WindowPicker
          value={window}
          onChange={(w) => {
            setQuery({ window: w });
            setWindow(w);
          }}
        />
        <span className="muted">running now is every version right now; the other numbers count the runs that entered in the window</span>
        <EditLink id="new-flow" href="/new">
          New flow
        </EditLink>
      </div>
      {error ? <p className="error">{error}</p> : null}
      {data?.problems ? <p className="error">{data.problems} problems in the flow files: run flows validate</p> : null}
      {data ? (
        <div className="scroll">
          <table id="flows">
            <thead>
              <tr>
                {['Flow', 'Status', 'Trigger', 'Version', ...COLUMNS.map(([, t]) => t), 'Trend'].map((t) => (
                  <th key={t}>{t}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.flows.map((f) => (
                <tr key={f.id} data-flow={f.id}>
                  <td>
                    <a href={`/flows/${encodeURIComponent(f.id)}`}>{f.name}</a>
                    <div className="muted">
                      <code>{f.id}</code>
                    </div>
                  </td>
                  <td className={`status-${f.status}`}>
                    {f.status}
                    {f.window ? <div className="muted">{f.window}</div> : null}
                  </td>
                  <td>{f.trigger}</td>
                  <td>
                    <code>{f.version}</code>
                  </td>
                  {COLUMNS.map(([k]) => {
                    const v = f[k];
                    return (
                      <td
                        key={k}
                        className={v ? `n tone-${k}` : 'n'}
                        data-stat={k}
                        title={k !== 'now' && k !== 'entered' && v !== null ? `${share(v, f.entered)} of entered` : undefined}
                      >
                        {v ?? '?'}
                      </td>
                    );
                  })}
                  <td>
                    <Sparkline trend={f.trend} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : !error ? (
        <p className="muted">loading…</p>
      ) : null}
    </>
  );
}
