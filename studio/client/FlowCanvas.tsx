import {
  BaseEdge,
  Controls,
  Handle,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  useReactFlow,
  useStore,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import { createContext, memo, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import type { Picture, PlacedEdge, PlacedNode } from '../api.ts';
import type { EdgeCount, Shown } from './drop-off.ts';

/** What a box shows besides its words: its numbers (flow page) or its place on one run's path (run page). */
export interface NodeView {
  rows?: Shown[][];
  /** Run page: on the path, off it, where the run is now, or the step that failed it. */
  state?: 'on-path' | 'off-path' | 'here-now' | 'failed';
  /** A note under the numbers (a split's experiment: leading branch, why no winner yet). */
  note?: { text: string; title: string };
  /** Editor: what `flows validate` finds in this step. */
  problems?: string[];
}

export interface EdgeView {
  count?: EdgeCount;
  /** An experiment's branch: its conversions and rate, and whether it leads or won. */
  experiment?: { text: string; mark?: 'leading' | 'winner' | 'control' };
  taken?: boolean;
}

type StepNodeData = { node: PlacedNode; view: NodeView; selected: boolean };
type CountEdgeData = { edge: PlacedEdge; view: EdgeView };
type StepNode = Node<StepNodeData, 'step'>;
type CountEdge = Edge<CountEdgeData, 'count'>;

const StepBox = memo(function StepBox({ data }: NodeProps<StepNode>) {
  const { node, view } = data;
  const classes = [
    'fl-node',
    `shape-${node.shape}`,
    `role-${node.role}`,
    view.state,
    data.selected ? 'selected' : undefined,
    node.mark ? `mark-${node.mark}` : undefined,
    view.problems?.length ? 'has-problems' : undefined,
  ];
  return (
    <div
      className={classes.filter(Boolean).join(' ')}
      data-node={node.id}
      data-role={node.role}
      data-step={node.step}
      data-state={view.state}
      style={{ width: node.width, height: node.height }}
      title={[...node.lines, ...(node.step !== undefined && !node.step.startsWith('#') ? [`id: ${node.step}`] : [])].join('\n')}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      {node.lines.map((line, i) => (
        <div key={i} className={i === 0 ? 'fl-head' : 'fl-line'}>
          {line}
        </div>
      ))}
      {view.rows?.map((row, i) => (
        <div key={i} className="fl-nums">
          {row.map((s) => (
            <span key={s.key} className={`fl-stat tone-${s.tone}`} data-stat={s.key} data-value={s.value} title={s.title}>
              {s.label} <b>{s.value}</b>
              {s.share ? <em> {s.share}</em> : null}
            </span>
          ))}
        </div>
      ))}
      {view.problems?.length ? (
        <div className="fl-problems" data-problems={view.problems.length} title={view.problems.join('\n')}>
          ⚠ {view.problems.length === 1 ? view.problems[0] : `${view.problems.length} problems`}
        </div>
      ) : null}
      {view.note ? (
        <div className="fl-note" title={view.note.title} data-note>
          {view.note.text}
        </div>
      ) : null}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

/**
 * Where arrows' labels go: React Flow's label layer, found once. Its own EdgeLabelRenderer looks the
 * layer up in the DOM from a store selector in every arrow, so each store update (every edit) ran a
 * query per arrow: 250 of them on a 200-step flow.
 */
const LabelLayer = createContext<HTMLElement | null>(null);

/** Finds React Flow's label layer when its DOM is there, and hands it up. */
function FindLabelLayer({ onFound }: { onFound: (layer: HTMLElement | null) => void }) {
  const domNode = useStore((s) => s.domNode);
  useEffect(() => onFound(domNode?.querySelector<HTMLElement>('.react-flow__edgelabel-renderer') ?? null), [domNode, onFound]);
  return null;
}

/** The arrow as the layout routed it (ELK's bend points), with its words, count and share at its label. */
function CountArrow({ id, data, markerEnd }: EdgeProps<CountEdge>) {
  const layer = useContext(LabelLayer);
  if (!data) return null;
  const { edge, view } = data;
  const path = edge.points.map((p, i) => `${i ? 'L' : 'M'} ${p.x} ${p.y}`).join(' ');
  const at = edge.labelAt ?? edge.points[Math.floor(edge.points.length / 2)];
  const hasLabel = edge.label || view.count || view.experiment;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={view.taken ? 'fl-edge taken' : 'fl-edge'} />
      {hasLabel && at && layer
        ? createPortal(
            <div
              className={`fl-edge-label${view.taken ? ' taken' : ''}${view.experiment?.mark ? ` ${view.experiment.mark}` : ''}`}
              data-edge={id}
              data-from={edge.from}
              data-to={edge.to}
              data-branch={edge.branch}
              data-taken={view.taken ? 'true' : undefined}
              style={{ transform: `translate(-50%, -50%) translate(${at.x}px, ${at.y}px)` }}
            >
              {edge.label ? <span className="fl-edge-words">{edge.label}</span> : null}
              {view.count ? (
                <span className="fl-edge-count" data-count={view.count.count} data-share={view.count.share}>
                  {' '}
                  {view.count.count}
                  {view.count.share ? <em> {view.count.share}</em> : null}
                </span>
              ) : null}
              {view.experiment ? (
                <span className="fl-edge-exp" data-experiment>
                  {view.experiment.text}
                  {view.experiment.mark && view.experiment.mark !== 'control' ? <strong> {view.experiment.mark}</strong> : null}
                </span>
              ) : null}
            </div>,
            layer,
          )
        : null}
    </>
  );
}

const NODE_TYPES = { step: StepBox };

/**
 * Each box's last React Flow node, by id, with all it showed (its place, words, numbers, state):
 * reused while that is unchanged, also across a new picture of the same flow (an edit moves a few
 * boxes; the rest keep their nodes, and React Flow neither redraws nor measures them again).
 */
const keptBoxes = new Map<string, { key: string; made: StepNode }>();
const FIT = { padding: 0.04, maxZoom: 1 };
const EDGE_TYPES = { count: CountArrow };

/** Fits the whole flow again when the space it has changes (the panel opened or closed, the window resized). */
function FitOnChange({ token }: { token: string }) {
  const flow = useReactFlow();
  useEffect(() => {
    const fit = () => void flow.fitView({ padding: 0.04, maxZoom: 1, duration: 0 });
    const frame = requestAnimationFrame(fit);
    return () => cancelAnimationFrame(frame);
  }, [flow, token]);
  return null;
}

export interface FlowCanvasProps {
  picture: Picture;
  nodeView: (node: PlacedNode) => NodeView;
  edgeView: (edge: PlacedEdge) => EdgeView;
  selected?: string | undefined;
  onSelect?: (step: string) => void;
  /** Changes when the canvas's size changes: the flow is fitted to it again. */
  fitToken?: string;
  /** Editor: a step dragged onto another goes after it. Without it boxes stay where the layout put them. */
  onDropOn?: (dragged: string, target: string) => void;
}

/**
 * A flow's picture on a canvas (React Flow): the layout the server computed, fitted to the screen
 * on open, with zoom, pan and a minimap. Boxes are placed, not dragged: the YAML is the source.
 */
export const FlowCanvas = memo(function FlowCanvas({
  picture,
  nodeView,
  edgeView,
  selected,
  onSelect,
  fitToken = '',
  onDropOn,
}: FlowCanvasProps) {
  // While a box is dragged it follows the pointer; dropped, it goes back to the layout's place (the YAML decides).
  const [dragging, setDragging] = useState<{ id: string; x: number; y: number }>();
  const flow = useReactFlow();
  const draggable = Boolean(onDropOn);
  const [labelLayer, setLabelLayer] = useState<HTMLElement | null>(null);
  const nodes = useMemo(() => {
    return picture.nodes.map((node): StepNode => {
      const view = nodeView(node);
      const isSelected = node.step !== undefined && node.step === selected;
      const at = dragging?.id === node.id ? { x: dragging.x, y: dragging.y } : { x: node.x, y: node.y };
      const key = JSON.stringify([node, view, isSelected, at, draggable]);
      const before = keptBoxes.get(node.id);
      const stepNode =
        before && before.key === key
          ? before.made
          : {
              id: node.id,
              type: 'step' as const,
              position: at,
              data: { node, view, selected: isSelected },
              width: node.width,
              height: node.height,
              draggable: draggable && node.step !== undefined,
              connectable: false,
              selectable: node.step !== undefined,
              ariaLabel: node.lines.join(', '),
            };
      keptBoxes.set(node.id, { key, made: stepNode });
      return stepNode;
    });
  }, [picture, nodeView, selected, dragging, draggable]);
  const edges = useMemo(
    () =>
      picture.edges.map((edge, i): CountEdge => ({
        id: `e${i}`,
        source: edge.from,
        target: edge.to,
        type: 'count',
        data: { edge, view: edgeView(edge) },
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
        focusable: false,
      })),
    [picture, edgeView],
  );
  // Handlers kept across renders: a new one would update React Flow's store, and each box's selectors would run again.
  const onNodeDrag = useCallback((_e: unknown, node: StepNode) => setDragging({ id: node.id, x: node.position.x, y: node.position.y }), []);
  const onNodeDragStop = useCallback(
    (_e: unknown, node: StepNode) => {
      setDragging(undefined);
      const target = flow
        .getIntersectingNodes(node)
        .map((n) => (n as StepNode).data.node.step)
        .find((step) => step !== undefined && step !== node.data.node.step);
      const dragged = node.data.node.step;
      if (onDropOn && dragged !== undefined && target !== undefined) onDropOn(dragged, target);
    },
    [flow, onDropOn],
  );
  const onNodeClick = useCallback(
    (_e: unknown, node: StepNode) => {
      if (node.data.node.step !== undefined) onSelect?.(node.data.node.step);
    },
    [onSelect],
  );
  return (
    <LabelLayer.Provider value={labelLayer}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        fitView
        fitViewOptions={FIT}
        minZoom={0.05}
        maxZoom={2}
        nodesDraggable={Boolean(onDropOn)}
        onNodeDrag={onNodeDrag}
        onNodeDragStop={onNodeDragStop}
        nodesConnectable={false}
        elementsSelectable={false}
        onNodeClick={onNodeClick}
      >
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable ariaLabel="minimap of the whole flow" />
        <FitOnChange token={fitToken} />
        <FindLabelLayer onFound={setLabelLayer} />
      </ReactFlow>
    </LabelLayer.Provider>
  );
});
