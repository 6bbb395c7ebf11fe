import elkModule, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { FlowIR } from '../../dsl/language/ir.ts';
import { stepsById } from '../../dsl/language/ir.ts';
import { flowGraph, type FlowGraph, type GraphEdge, type GraphNode } from './model.ts';
import { statRows, type Stat } from './stats.ts';

/** Text is drawn in a monospace font, so a box's width follows from its longest line. */
export const CHAR_WIDTH = 7.3;
export const LINE_HEIGHT = 16;
const PAD_X = 14;
const PAD_Y = 10;
/** A box is at most this wide (shortText's length): a longer line is cut where it is drawn, and shown whole on hover. */
const MAX_TEXT = 60;
/** Room for a number and its share: boxes are sized for six digits, so live numbers never overflow them. */
const NUMBER_ROOM = '999999 100%';
const EXPERIMENT_ROOM = '999999/999999 converted (100.0%) leading';

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
  stats: Stat[][];
}

export interface PlacedEdge extends GraphEdge {
  points: Array<{ x: number; y: number }>;
  labelAt?: { x: number; y: number };
}

export interface Picture {
  title: string;
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const textWidth = (line: string): number => Math.min(line.length, MAX_TEXT) * CHAR_WIDTH;
const statLine = (row: Stat[]): string => row.map((s) => `${s.label} ${NUMBER_ROOM}`).join(' · ');

// The bundled build runs ELK in this thread (no worker); one instance serves every layout. The
// module is CommonJS whose exports are the constructor, which its types call `default`.
const Elk = elkModule as unknown as typeof elkModule.default;
const elk = new Elk();

/**
 * ELK's layered layout, top to bottom, keeping the order the flow file gives: a split's branches
 * left to right as the YAML lists them, then/else and event/timeout likewise (`considerModelOrder`).
 */
const LAYOUT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.spacing.nodeNode': '36',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.spacing.edgeLabel': '4',
  'elk.edgeLabels.inline': 'true',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
};

/**
 * Lays a flow out top to bottom: trigger at the top, branches side by side in the file's order.
 * With `numbers`, each box has room for the rows of numbers its step shows, and each arrow with a
 * branch for its count and share.
 */
export async function layoutFlow(flow: FlowIR, options: { numbers?: boolean; graph?: FlowGraph } = {}): Promise<Picture> {
  const graph = options.graph ?? flowGraph(flow);
  const steps = stepsById(flow);
  const stats = new Map<string, Stat[][]>();
  const children: ElkNode[] = graph.nodes.map((node) => {
    const step = node.step !== undefined ? steps.get(node.step) : undefined;
    const rows = options.numbers ? statRows(graph, node, step, flow.goals !== undefined) : [];
    stats.set(node.id, rows);
    const lines = [...node.lines, ...rows.map(statLine)];
    const width = Math.max(90, ...lines.map(textWidth)) + 2 * PAD_X;
    return { id: node.id, width, height: lines.length * LINE_HEIGHT + 2 * PAD_Y + (rows.length ? 6 : 0) };
  });
  const roles = new Map(graph.nodes.map((n) => [n.id, n.role]));
  const edges: ElkExtendedEdge[] = graph.edges.map((edge, i) => {
    const counted = options.numbers && edge.branch !== undefined;
    const lines = edge.label ? [`${edge.label}${counted ? ` ${NUMBER_ROOM}` : ''}`] : [];
    // An experiment's branch says its conversions on a second line.
    if (counted && roles.get(edge.from) === 'split') lines.push(EXPERIMENT_ROOM);
    const label = {
      id: `l${i}`,
      text: lines.join('\n'),
      width: Math.max(...lines.map(textWidth)) + 8,
      height: lines.length * LINE_HEIGHT + 2,
    };
    return { id: `e${i}`, sources: [edge.from], targets: [edge.to], ...(lines.length ? { labels: [label] } : {}) };
  });
  const placed: ElkNode = await elk.layout({ id: 'flow', layoutOptions: LAYOUT_OPTIONS, children, edges });
  const at = new Map((placed.children ?? []).map((c) => [c.id, c]));
  const routes = new Map((placed.edges ?? []).map((e) => [e.id, e]));
  const nodes = graph.nodes.map((node): PlacedNode => {
    const { x = 0, y = 0, width = 0, height = 0 } = at.get(node.id) ?? {};
    return { ...node, x, y, width, height, stats: stats.get(node.id)! };
  });
  const placedEdges = graph.edges.map((edge, i): PlacedEdge => {
    const route = routes.get(`e${i}`);
    const section = route?.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    const label = route?.labels?.[0];
    return {
      ...edge,
      points: points.map(({ x, y }) => ({ x, y })),
      ...(label?.x !== undefined ? { labelAt: { x: label.x + (label.width ?? 0) / 2, y: (label.y ?? 0) + (label.height ?? 0) / 2 } } : {}),
    };
  });
  return { title: graph.title, width: placed.width ?? 0, height: placed.height ?? 0, nodes, edges: placedEdges };
}
