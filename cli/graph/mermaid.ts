import type { FlowGraph, GraphNode } from '../../studio/graph/model.ts';

// Mermaid reads entity codes (#quot;) inside quoted labels; <br/> breaks lines.
const escape = (s: string): string =>
  s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

const SHAPES: Record<GraphNode['shape'], [string, string]> = {
  start: ['([', '])'],
  action: ['[', ']'],
  wait: ['[/', '/]'],
  decision: ['{{', '}}'],
  end: ['((', '))'],
};

/** A Mermaid flowchart, which GitHub renders inside a ```mermaid block. */
export function toMermaid(graph: FlowGraph): string {
  const out = ['---', `title: ${JSON.stringify(graph.title)}`, '---', 'flowchart TD'];
  for (const node of graph.nodes) {
    const [open, close] = SHAPES[node.shape];
    out.push(`  ${node.id}${open}"${node.lines.filter(Boolean).map(escape).join('<br/>')}"${close}`);
  }
  for (const edge of graph.edges) {
    out.push(edge.label ? `  ${edge.from} -->|"${escape(edge.label)}"| ${edge.to}` : `  ${edge.from} --> ${edge.to}`);
  }
  return `${out.join('\n')}\n`;
}
