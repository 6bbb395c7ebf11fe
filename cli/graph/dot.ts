import type { FlowGraph, GraphNode } from '../../studio/graph/model.ts';
import { fullText, shortenGraph } from '../../studio/graph/shorten.ts';

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

const SHAPES: Record<GraphNode['shape'], string> = {
  start: 'shape=box, style="rounded,bold"',
  action: 'shape=box',
  wait: 'shape=parallelogram',
  decision: 'shape=diamond',
  end: 'shape=circle',
};

/** A Graphviz digraph, for `dot -Tsvg`. A cut box has its whole text as its tooltip. */
export function toDot(whole: FlowGraph): string {
  const graph = shortenGraph(whole);
  const out = [
    'digraph flow {',
    `  label=${quote(graph.title)};`,
    '  labelloc=t;',
    '  node [fontname="Helvetica"];',
    '  edge [fontname="Helvetica"];',
  ];
  graph.nodes.forEach((node, i) => {
    const full = fullText(whole.nodes[i]!);
    const label = node.lines
      .filter(Boolean)
      .map((l) => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))
      .join('\\n');
    const tooltip = full === undefined ? '' : `, tooltip=${quote(full).replace(/\n/g, '\\n')}`;
    out.push(`  ${node.id} [label="${label}", ${SHAPES[node.shape]}${tooltip}];`);
  });
  for (const edge of graph.edges) out.push(`  ${edge.from} -> ${edge.to}${edge.label ? ` [label=${quote(edge.label)}]` : ''};`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
