import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import type { PlacedEdge, PlacedNode, RunAnswer, RunVerdict, UserRunsAnswer } from '../api.ts';
import { FlowCanvas, type EdgeView, type NodeView } from './FlowCanvas.tsx';
import { getJson, query } from './fetch-json.ts';
import { when } from './format.ts';

/** A user id, a workflow id or a Temporal Web link, as the run page's box takes them. */
function parseRunInput(text: string): Record<string, string> {
  const m = /\/workflows\/([^/?#]+)\/([^/?#]+)/.exec(text);
  if (m) return { workflowId: decodeURIComponent(m[1]!), runId: decodeURIComponent(m[2]!) };
  if (text.startsWith('flow/')) return { workflowId: text };
  return { user: text };
}

const runHref = (r: { workflowId: string; runId: string }) => `/runs?${new URLSearchParams({ workflowId: r.workflowId, runId: r.runId })}`;

/** completed · exited: exit_when purchase · failed: … — the same words as `flows status --all`. */
function Verdict({ verdict }: { verdict: RunVerdict | null }) {
  if (!verdict) return <span className="verdict">closed (gone from Temporal and the log)</span>;
  return (
    <span className={`verdict verdict-${verdict.word.replace(' ', '-')}`} data-verdict={verdict.word}>
      {verdict.word}
      {verdict.reason ? <span className="reason">: {verdict.reason}</span> : null}
    </span>
  );
}

/** Find a user's runs, or show one run's path through its version's picture. */
export function RunPage() {
  const [input, setInput] = useState(query.get('user') ?? '');
  const workflowId = query.get('workflowId');
  const user = query.get('user');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    location.search = `?${new URLSearchParams(parseRunInput(input.trim()))}`;
  };
  return (
    <>
      <h1>Find a run</h1>
      <form className="bar" onSubmit={submit} role="search">
        <label htmlFor="run-input" className="visually-hidden">
          a user id, a workflow id or a Temporal Web link
        </label>
        <input
          id="run-input"
          size={60}
          placeholder="a user id, a workflow id or a Temporal Web link"
          value={input}
          onChange={(e) => setInput(e.target.value)}
        />
        <button type="submit">Show</button>
      </form>
      {workflowId ? <OneRun workflowId={workflowId} runId={query.get('runId') ?? undefined} /> : user ? <UserRuns user={user} /> : null}
    </>
  );
}

function UserRuns({ user }: { user: string }) {
  const [d, setD] = useState<UserRunsAnswer>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    getJson<UserRunsAnswer>(`/api/runs?user=${encodeURIComponent(user)}`).then(setD, (e: Error) => setError(e.message));
  }, [user]);
  if (error) return <p className="error">{error}</p>;
  if (!d) return <p className="muted">loading…</p>;
  if (!d.runs.length) return <p className="muted">no runs for {d.user}</p>;
  return (
    <table id="user-runs">
      <thead>
        <tr>
          <th>Flow</th>
          <th>How it stands</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {d.runs.map((r) => (
          <tr key={r.runId}>
            <td>
              <a href={runHref(r)}>{r.flow}</a>
            </td>
            <td>
              <Verdict verdict={r.verdict} />
            </td>
            <td>{when(r.started)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Which boxes and arrows the run went through, where it is, where it failed or left. */
function pathOf(d: RunAnswer) {
  const entered = new Set<string>();
  const failed = new Set<string>();
  const branches = new Map<string, string>();
  for (const e of d.events) {
    if (!e.step) continue;
    if (e.outcome === 'entered') entered.add(e.step);
    if (e.outcome === 'failed') failed.add(e.step);
    if (e.outcome === 'branch' && e.branch !== null) branches.set(e.step, e.branch);
  }
  const flowEnd = d.events.filter((e) => !e.step && e.outcome !== 'entered').at(-1);
  const reached = (n: PlacedNode): boolean => {
    if (n.role === 'trigger') return true;
    if (n.step !== undefined) return entered.has(n.step);
    if (n.role === 'done') return flowEnd?.outcome === 'completed';
    if (n.role === 'exit_when' || n.role === 'goal_exit') return flowEnd?.outcome === 'exited' && flowEnd.message === n.exit;
    if (n.role === 'error_exit') return flowEnd?.outcome === 'exited' && (flowEnd.message ?? '').startsWith('on_error');
    return false;
  };
  const onPath = new Set(d.picture.nodes.filter(reached).map((n) => n.id));
  const byId = new Map(d.picture.nodes.map((n) => [n.id, n]));
  const state = (n: PlacedNode): NodeView['state'] => {
    if (n.step !== undefined && failed.has(n.step)) return 'failed';
    if (d.at && n.step === d.at) return 'here-now';
    return onPath.has(n.id) ? 'on-path' : 'off-path';
  };
  const taken = (e: PlacedEdge): boolean => {
    if (!onPath.has(e.from) || !onPath.has(e.to)) return false;
    const from = byId.get(e.from)?.step;
    return e.branch === undefined || (from !== undefined && branches.get(from) === e.branch);
  };
  return { state, taken };
}

function OneRun({ workflowId, runId }: { workflowId: string; runId: string | undefined }) {
  const [d, setD] = useState<RunAnswer>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    getJson<RunAnswer>(`/api/run?${new URLSearchParams(runId ? { workflowId, runId } : { workflowId })}`).then(setD, (e: Error) =>
      setError(e.message),
    );
  }, [workflowId, runId]);
  const path = useMemo(() => (d ? pathOf(d) : undefined), [d]);
  const nodeView = useCallback((n: PlacedNode): NodeView => (path ? { state: path.state(n) } : {}), [path]);
  const edgeView = useCallback((e: PlacedEdge): EdgeView => ({ taken: path?.taken(e) ?? false }), [path]);
  if (error) return <p className="error">{error}</p>;
  if (!d || !path) return <p className="muted">loading…</p>;
  const titles = new Map(d.picture.nodes.filter((n) => n.step !== undefined).map((n) => [n.step!, n.lines[0]!]));
  const title = (step: string) => titles.get(step) ?? step;
  return (
    <>
      <h2 id="run-title">
        {d.name} · <code>{d.user ?? d.workflowId}</code> · <Verdict verdict={d.verdict} />
      </h2>
      <div className="muted">
        version {d.version}
        {d.link ? (
          <>
            {' · '}
            <a href={d.link} target="_blank" rel="noopener noreferrer">
              open in Temporal Web
            </a>
          </>
        ) : null}
      </div>
      <div className="layout with-panel">
        <div className="canvas" id="picture">
          <ReactFlowProvider>
            <FlowCanvas picture={d.picture} nodeView={nodeView} edgeView={edgeView} />
          </ReactFlowProvider>
        </div>
        <aside className="panel" aria-label="the run's path">
          <h2>Path</h2>
          <table id="run-path">
            <tbody>
              {d.events.map((e, i) => (
                <tr key={i} className={e.outcome === 'failed' ? 'tone-bad' : e.outcome === 'exited' ? 'tone-exit' : undefined}>
                  <td>
                    <code>{new Date(e.at).toLocaleTimeString()}</code>
                  </td>
                  <td>{e.step ? title(e.step) : 'flow'}</td>
                  <td>
                    {e.outcome}
                    {e.branch ? `: ${e.branch}` : ''}
                    {e.message ? ` — ${e.message}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {d.at ? (
            <p>
              here now: <strong>{title(d.at)}</strong>
            </p>
          ) : null}
        </aside>
      </div>
    </>
  );
}
