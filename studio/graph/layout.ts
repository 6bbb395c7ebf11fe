import dagre from '@dagrejs/dagre';
import type { FlowIR } from '../../dsl/language/ir.ts';
import { stepsById } from '../../dsl/language/ir.ts';
import { flowGraph, type FlowGraph, type GraphEdge, type GraphNode } from './model.ts';
import { statRows, type Stat } from './stats.ts';

/** Text is drawn in a monospace font, so a box's width follows from its longest line. */
export const CHAR_WIDTH = 7.3;
export const LINE_HEIGHT = 16;
const PAD_X = 14;
const PAD_Y = 10;
/** Room for a number: boxes are sized for six digits, so live numbers never overflow them. */
const NUMBER_ROOM = '999999';

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
  stats: Stat[][];
}

interface PlacedEdge extends GraphEdge {
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

const textWidth = (line: string): number => line.length * CHAR_WIDTH;
const statLine = (row: Stat[]): string => row.map((s) => `${s.label} ${NUMBER_ROOM}`).join(' · ');

/**
 * Lays a flow out top to bottom with dagre (a layered layout): trigger at the top, branches side
 * by side. With `numbers`, each box has room for the rows of numbers its step shows.
 */
export function layoutFlow(flow: FlowIR, options: { numbers?: boolean; graph?: FlowGraph } = {}): Picture {
  const graph = options.graph ?? flowGraph(flow);
  const steps = stepsById(flow);
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 36, ranksep: 44, edgesep: 16, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const stats = new Map<string, Stat[][]>();
  for (const node of graph.nodes) {
    const step = node.step !== undefined ? steps.get(node.step) : undefined;
    const rows = options.numbers ? statRows(graph, node, step, flow.goals !== undefined) : [];
    stats.set(node.id, rows);
    const lines = [...node.lines, ...rows.map(statLine)];
    const width = Math.max(90, ...lines.map(textWidth)) + 2 * PAD_X;
    g.setNode(node.id, { width, height: lines.length * LINE_HEIGHT + 2 * PAD_Y + (rows.length ? 6 : 0) });
  }
  graph.edges.forEach((edge, i) => {
    const label = edge.label ? { width: textWidth(edge.label) + 8, height: LINE_HEIGHT, labelpos: 'c' as const } : {};
    g.setEdge(edge.from, edge.to, label, `e${i}`);
  });
  dagre.layout(g);
  const nodes = graph.nodes.map((node): PlacedNode => {
    const placed = g.node(node.id);
    const { x, y, width, height } = placed; // dagre gives centres
    return { ...node, x: x - width / 2, y: y - height / 2, width, height, stats: stats.get(node.id)! };
  });
  const edges = graph.edges.map((edge, i): PlacedEdge => {
    const placed = g.edge(edge.from, edge.to, `e${i}`);
    return {
      ...edge,
      points: placed.points ?? [],
      ...(edge.label && placed.x !== undefined ? { labelAt: { x: placed.x, y: placed.y! } } : {}),
    };
  });
  const size = g.graph();
  return { title: graph.title, width: size.width ?? 0, height: size.height ?? 0, nodes, edges };
}
