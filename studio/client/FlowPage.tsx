import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { PictureAnswer, PictureNumbers, PlacedEdge, PlacedNode, VersionChoice } from '../api.ts';
import { edgeCounts, nodeRows, nodeValues, type EdgeCount } from './drop-off.ts';
import { FlowCanvas, type EdgeView, type NodeView } from './FlowCanvas.tsx';
import { getJson, query, setQuery } from './fetch-json.ts';
import { rate, share } from './format.ts';
import { GoalsSection } from './GoalsSection.tsx';
import { useLive } from './live.tsx';
import { StepPanel } from './StepPanel.tsx';
import { WindowPicker } from './WindowPicker.tsx';
import { EditLink } from './edit/EditLink.tsx';

type Experiments = NonNullable<PictureNumbers['report']>['experiments'];

/** A split's branch as its arrow says it: runs, conversions and rate, and whether it leads, won, or is the control. */
function experimentView(experiments: Experiments, step: string | undefined, branch: string | undefined): EdgeView['experiment'] {
  const e = experiments.find((x) => x.step === step);
  const b = e?.branches.find((x) => x.label === branch);
  if (!e || !b) return undefined;
  const text = `${b.converted}/${b.runs} converted (${rate(b.rate)})`;
  const mark = b.winner ? 'winner' : b.control ? 'control' : b.leading ? 'leading' : undefined;
  return mark ? { text, mark } : { text };
}

/** The split's box says how its experiment stands: the winner, or why there is none yet. */
function experimentNote(experiments: Experiments, step: string | undefined): NodeView['note'] {
  const e = experiments.find((x) => x.step === step);
  if (!e) return undefined;
  if (e.winner) return { text: `winner: ${e.winner.branch}`, title: e.winner.reason };
  if (e.pending) return { text: `no winner yet: ${e.pending}`, title: e.pending };
  return undefined;
}

/** The flow page: the whole flow on screen with live numbers, the step panel beside it, then ways out, funnel, goals. */
export function FlowPage({ id }: { id: string }) {
  const [answer, setAnswer] = useState<PictureAnswer>();
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const [window, setWindow] = useState(query.get('window') ?? '7d');
  const version = query.get('version') ?? undefined;
  useEffect(() => {
    const q = version ? `?version=${encodeURIComponent(version)}` : '';
    getJson<PictureAnswer>(`/api/flows/${encodeURIComponent(id)}/picture${q}`).then(setAnswer, (e: Error) => setError(e.message));
  }, [id, version]);
  const numbers = useLive(answer ? { flow: answer.flow, version: answer.version, window } : undefined);

  const counts = useMemo(
    () => (answer && numbers ? edgeCounts(answer.picture, numbers) : new Map<PlacedEdge, EdgeCount>()),
    [answer, numbers],
  );
  const nodeView = useCallback(
    (node: PlacedNode): NodeView => {
      if (!numbers || !answer) return {};
      const into = answer.picture.edges.filter((e) => e.to === node.id);
      const from = into.length === 1 ? counts.get(into[0]!) : undefined;
      const note = node.role === 'split' ? experimentNote(numbers.report?.experiments ?? [], node.step) : undefined;
      return { rows: nodeRows(node, nodeValues(node, numbers), from), ...(note ? { note } : {}) };
    },
    [numbers, answer, counts],
  );
  const edgeView = useCallback(
    (edge: PlacedEdge): EdgeView => {
      const count = counts.get(edge);
      const fromNode = answer?.picture.nodes.find((n) => n.id === edge.from);
      const experiment =
        fromNode?.role === 'split' ? experimentView(numbers?.report?.experiments ?? [], fromNode.step, edge.branch) : undefined;
      return { ...(count ? { count } : {}), ...(experiment ? { experiment } : {}) };
    },
    [counts, numbers, answer],
  );

  if (error) return <p className="error">{error}</p>;
  if (!answer) return <p className="muted">loading…</p>;
  const current = answer.versions.find((v) => v.current);
  const isOld = current?.version !== answer.version;
  const choice = (v: VersionChoice) =>
    `${v.version}${v.current ? ' (in the repository now)' : ''}${v.firstSeen ? ` · first run ${new Date(v.firstSeen).toLocaleDateString()}` : ''}`;
  return (
    <>
      <h1>{answer.name}</h1>
      <div className="muted">
        <code>{answer.flow}</code> · <code>{answer.source}</code>
      </div>
      <div className="bar">
        <label>
          version{' '}
          <select
            id="version"
            value={answer.version}
            onChange={(e) => {
              setQuery({ version: e.target.value === current?.version ? undefined : e.target.value });
              location.reload();
            }}
          >
            {answer.versions.map((v) => (
              <option key={v.version} value={v.version}>
                {choice(v)}
              </option>
            ))}
          </select>
        </label>
        <WindowPicker
          value={window}
          onChange={(w) => {
            setQuery({ window: w });
            setWindow(w);
          }}
        />
        {isOld ? (
          <span className="old" id="old-version">
            an older version: drawn from its own compiled flow
          </span>
        ) : null}
        <a href="/runs">find a run…</a>
        {isOld ? null : (
          <EditLink id="edit" href={`/flows/${encodeURIComponent(answer.flow)}/edit`}>
            Edit
          </EditLink>
        )}
      </div>
      <div className={`layout${selected ? ' with-panel' : ''}`}>
        <div className="canvas" id="picture" data-updated={numbers?.at}>
          <ReactFlowProvider>
            <FlowCanvas
              picture={answer.picture}
              nodeView={nodeView}
              edgeView={edgeView}
              selected={selected}
              onSelect={setSelected}
              fitToken={selected ? 'panel' : 'full'}
            />
          </ReactFlowProvider>
        </div>
        {selected ? <StepPanel flow={answer.flow} version={answer.version} step={selected} onClose={() => setSelected(undefined)} /> : null}
      </div>
      {numbers ? (
        <div className="below">
          <WaysOut numbers={numbers} />
          <Funnel answer={answer} numbers={numbers} />
        </div>
      ) : null}
      {numbers?.report ? <GoalsSection report={numbers.report} /> : null}
    </>
  );
}

/** Every way a run of the window is now, adding up to the runs that entered. */
function WaysOut({ numbers }: { numbers: PictureNumbers }) {
  const entered = numbers.flow.entered ?? 0;
  const total = numbers.ways.reduce((sum, w) => sum + w.count, 0);
  return (
    <section className="ways" aria-labelledby="ways-title">
      <h2 id="ways-title">Where the runs are</h2>
      <table id="ways">
        <tbody>
          {numbers.ways.map((w) => (
            <tr key={w.label} className={`tone-${w.tone}`} data-way={w.label}>
              <td>{w.label}</td>
              <td className="n" data-value={w.count}>
                {w.count}
              </td>
              <td className="n">{share(w.count, entered)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">entered</th>
            <td className="n" data-value={entered}>
              {entered}
            </td>
            <td className="n muted">
              {total === entered ? '' : `${total} accounted for (running now counts every run, not only the window's)`}
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

/** The main path (the top level of `steps:`) as a funnel: how many reached each step, of all who entered. */
function Funnel({ answer, numbers }: { answer: PictureAnswer; numbers: PictureNumbers }) {
  const entered = numbers.flow.entered ?? 0;
  const titles = new Map(answer.picture.nodes.filter((n) => n.step !== undefined).map((n) => [n.step!, n.lines[0]!]));
  const rows = [{ step: '', title: 'entered the flow', reached: entered }].concat(
    answer.mainPath.map((step) => ({ step, title: titles.get(step) ?? step, reached: numbers.steps[step]?.entered ?? 0 })),
  );
  return (
    <section className="funnel" aria-labelledby="funnel-title">
      <h2 id="funnel-title">Main path</h2>
      <ol id="funnel">
        {rows.map((r) => (
          <li key={r.step || 'flow'} data-step={r.step || undefined}>
            <span className="funnel-title" title={r.title}>
              {r.title}
            </span>
            <span className="funnel-bar" aria-hidden="true">
              <span style={{ width: entered ? `${(100 * r.reached) / entered}%` : '0' }} />
            </span>
            <span className="n" data-value={r.reached}>
              {r.reached} <em>{share(r.reached, entered)}</em>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
