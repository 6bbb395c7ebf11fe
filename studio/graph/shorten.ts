import { shortText } from '../../dsl/language/describe.ts';
import type { FlowGraph, GraphNode } from './model.ts';

/**
 * `flows graph` draws boxes of a fixed width: a step's lines (a long condition, an SMS body)
 * are cut at 60 characters; the trigger and the ways out are drawn whole. The model keeps the
 * whole text, and each drawing offers it: an SVG `<title>` (shown on hover), a Graphviz
 * `tooltip`, a Mermaid comment.
 */
const boxLines = (node: GraphNode): string[] => (node.step === undefined ? node.lines : node.lines.map((l) => shortText(l)));

/** The box's whole text, one line each, when its drawing is cut; else undefined. */
export function fullText(node: GraphNode): string | undefined {
  const lines = node.lines.filter(Boolean);
  return boxLines(node).some((l, i) => l !== node.lines[i]) ? lines.join('\n') : undefined;
}

/** The graph as the fixed-width boxes draw it. */
export const shortenGraph = (graph: FlowGraph): FlowGraph => ({ ...graph, nodes: graph.nodes.map((n) => ({ ...n, lines: boxLines(n) })) });

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Gives each cut box of an SVG drawn from `graph` (whole) its whole text as a `<title>`. */
export function withTitles(svg: string, graph: FlowGraph): string {
  const titles = new Map(graph.nodes.flatMap((n) => (fullText(n) === undefined ? [] : [[n.id, fullText(n)!] as const])));
  return svg.replace(/<g class="node[^"]*" data-node="([^"]+)"[^>]*>/g, (open, id: string) =>
    titles.has(id) ? `${open}<title>${xml(titles.get(id)!)}</title>` : open,
  );
}
