import type { FlowGraph, GraphNode } from './model.ts';
import { fullText, shortenGraph } from './shorten.ts';

// Mermaid reads entity codes (#quot;) inside quoted labels; <br/> breaks lines.
const escape = (s: string): string => s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

const SHAPES: Record<GraphNode['shape'], [string, string]> = {
  start: ['([', '])'],
  action: ['[', ']'],
  wait: ['[/', '/]'],
  decision: ['{{', '}}'],
  end: ['((', '))'],
};

const MARKS: Record<NonNullable<GraphNode['mark']>, string> = {
  added: 'fill:#e6ffec,stroke:#1a7f37,stroke-width:2px',
  changed: 'fill:#fff8c5,stroke:#9a6700,stroke-width:2px',
  removed: 'fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 3',
};

/** A Mermaid flowchart, which GitHub renders inside a ```mermaid block. A cut box has its whole text in a comment above it. */
export function toMermaid(whole: FlowGraph): string {
  const graph = shortenGraph(whole);
  const out = ['---', `title: ${JSON.stringify(graph.title)}`, '---', 'flowchart TD'];
  graph.nodes.forEach((node, i) => {
    const full = fullText(whole.nodes[i]!);
    if (full !== undefined) out.push(`  %% ${node.id}: ${full.replace(/\n/g, ' / ')}`);
    const [open, close] = SHAPES[node.shape];
    out.push(`  ${node.id}${open}"${node.lines.filter(Boolean).map(escape).join('<br/>')}"${close}`);
  });
  for (const edge of graph.edges) {
    out.push(edge.label ? `  ${edge.from} -->|"${escape(edge.label)}"| ${edge.to}` : `  ${edge.from} --> ${edge.to}`);
  }
  // Marks from `--compare`: one class per kind of change.
  for (const [mark, style] of Object.entries(MARKS)) {
    const ids = graph.nodes.filter((n) => n.mark === mark).map((n) => n.id);
    if (ids.length) out.push(`  classDef ${mark} ${style}`, `  class ${ids.join(',')} ${mark}`);
  }
  return `${out.join('\n')}\n`;
}
