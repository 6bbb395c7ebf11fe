import type { FlowGraph, GraphNode } from '../../studio/graph/model.ts';

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

const SHAPES: Record<GraphNode['shape'], string> = {
  start: 'shape=box, style="rounded,bold"',
  action: 'shape=box',
  wait: 'shape=parallelogram',
  decision: 'shape=diamond',
  end: 'shape=circle',
};

/** A Graphviz digraph, for `dot -Tsvg`. */
export function toDot(graph: FlowGraph): string {
  const out = [
    'digraph flow {',
    `  label=${quote(graph.title)};`,
    '  labelloc=t;',
    '  node [fontname="Helvetica"];',
    '  edge [fontname="Helvetica"];',
  ];
  for (const node of graph.nodes) {
    const label = node.lines
      .filter(Boolean)
      .map((l) => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))
      .join('\\n');
    out.push(`  ${node.id} [label="${label}", ${SHAPES[node.shape]}];`);
  }
  for (const edge of graph.edges) out.push(`  ${edge.from} -> ${edge.to}${edge.label ? ` [label=${quote(edge.label)}]` : ''};`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
