import type { FlowGraph } from './model.ts';
import type { FlowChange } from './compare.ts';
import { toMermaid } from './mermaid.ts';

/** A pull-request comment: the flow as a Mermaid chart with the changes marked, then the changes as a list. */
export function toMarkdown(graph: FlowGraph, file: string, changes?: { ref: string; list: FlowChange[] }): string {
  const out = [
    `### Flow \`${file}\`${changes ? ` compared with \`${changes.ref}\`` : ''}`,
    '',
    '```mermaid',
    toMermaid(graph).trimEnd(),
    '```',
    '',
  ];
  if (changes) {
    if (changes.list.length === 0) out.push(`No step changed since \`${changes.ref}\`.`, '');
    else {
      const count = (mark: FlowChange['mark']) => changes.list.filter((c) => c.mark === mark).length;
      const counts = `**${count('added')} added, ${count('changed')} changed, ${count('removed')} removed**`;
      out.push(`${counts} (green added, yellow changed, red dashed removed):`, '');
      for (const change of changes.list) out.push(`- ${change.what.replace(/^(added|changed|removed) /, (m) => `**${m.trim()}** `)}`);
      out.push('');
    }
  }
  return out.join('\n');
}
