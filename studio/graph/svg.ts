import { CHAR_WIDTH, LINE_HEIGHT, type Picture, type PlacedNode } from './layout.ts';

/** Numbers to print on the boxes: per node id, per stat key. */
export type NodeValues = Record<string, Record<string, number>>;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One SVG element; numbers are rounded to a tenth, text is escaped. */
const el = (tag: string, attrs: Record<string, string | number | undefined>, body?: string): string => {
  const list = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}="${typeof v === 'number' ? v.toFixed(1) : esc(v!)}"`);
  return body === undefined ? `<${tag} ${list.join(' ')}/>` : `<${tag} ${list.join(' ')}>${body}</${tag}>`;
};

// Colours by shape; marks from --compare override the border.
const FILL: Record<PlacedNode['shape'], string> = {
  start: '#eef4ff',
  action: '#ffffff',
  wait: '#fff8e6',
  decision: '#f3efff',
  end: '#f2f2f2',
};
const MARK: Record<NonNullable<PlacedNode['mark']>, { stroke: string; fill: string; word: string }> = {
  added: { stroke: '#1a7f37', fill: '#e6ffec', word: 'added' },
  changed: { stroke: '#9a6700', fill: '#fff8c5', word: 'changed' },
  removed: { stroke: '#cf222e', fill: '#ffebe9', word: 'removed' },
};

const STYLE = `
  .fl text { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; fill: #1f2328; }
  .fl .title { font-weight: bold; font-size: 14px; }
  .fl .head { font-weight: bold; }
  .fl .num { fill: #0550ae; }
  .fl .edge { fill: none; stroke: #6e7781; stroke-width: 1.4; }
  .fl .edge-label { fill: #57606a; }
  .fl .node rect { stroke: #6e7781; stroke-width: 1.2; }`;

/**
 * The picture as one SVG document: a `<g class="node" data-step>` per box (the studio fills and
 * clicks them), numbers as `<tspan data-stat>` so they can be refreshed in place.
 */
export function renderSvg(picture: Picture, values: NodeValues = {}): string {
  const top = 28;
  const width = Math.ceil(Math.max(picture.width, picture.title.length * 8.5 + 32));
  const height = Math.ceil(picture.height + top);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="fl" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<style>${STYLE}</style>`,
    '<defs><marker id="fl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8"',
    ' markerUnits="userSpaceOnUse" orient="auto-start-reverse">',
    '<path d="M 0 0 L 10 5 L 0 10 z" fill="#6e7781"/></marker></defs>',
    `<text class="title" x="16" y="20">${esc(picture.title)}</text>`,
    `<g transform="translate(0 ${top})">`,
  ];
  picture.edges.forEach((edge, i) => {
    const d = edge.points.map((p, j) => `${j ? 'L' : 'M'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
    const branch = edge.branch !== undefined ? ` data-branch="${esc(edge.branch)}"` : '';
    out.push(`<g class="edge-g" data-edge="${i}" data-from="${edge.from}" data-to="${edge.to}"${branch}>`);
    out.push(`<path class="edge" d="${d}" marker-end="url(#fl-arrow)"/>`);
    if (edge.label && edge.labelAt) {
      const w = edge.label.length * CHAR_WIDTH + 8;
      const { x, y } = edge.labelAt;
      out.push(el('rect', { x: x - w / 2, y: y - 9, width: w, height: 16, fill: '#ffffff', opacity: '0.9' }));
      out.push(el('text', { class: 'edge-label', x, y: y + 4, 'text-anchor': 'middle' }, esc(edge.label)));
    }
    out.push('</g>');
  });
  for (const node of picture.nodes) out.push(renderNode(node, values[node.id] ?? {}));
  out.push('</g></svg>');
  return `${out.join('\n')}\n`;
}

function renderNode(node: PlacedNode, values: Record<string, number>): string {
  const mark = node.mark ? MARK[node.mark] : undefined;
  const rx = node.shape === 'start' || node.shape === 'end' ? 14 : node.shape === 'decision' ? 10 : 3;
  const attrs = [
    `class="node node-${node.role}${node.mark ? ` mark-${node.mark}` : ''}"`,
    `data-node="${node.id}"`,
    `data-role="${node.role}"`,
  ];
  if (node.step !== undefined) attrs.push(`data-step="${esc(node.step)}"`);
  const out = [`<g ${attrs.join(' ')}>`];
  const style = mark ? `stroke:${mark.stroke};stroke-width:2.2${node.mark === 'removed' ? ';stroke-dasharray:5 3' : ''}` : undefined;
  const { x: left, y: top, width, height } = node;
  out.push(el('rect', { x: left, y: top, width, height, rx: String(rx), fill: mark?.fill ?? FILL[node.shape], style }));
  let y = node.y + 10 + 12;
  const x = node.x + 14;
  node.lines.forEach((line, i) => {
    out.push(el('text', { class: i === 0 ? 'head' : 'line', x, y }, esc(line)));
    y += LINE_HEIGHT;
  });
  if (node.stats.length) y += 6;
  for (const row of node.stats) {
    const spans = row.map((s) => {
      const value = values[s.key];
      const attrs = { 'data-stat': s.key, 'data-label': s.label, 'data-value': value !== undefined ? String(value) : undefined };
      return el('tspan', attrs, `${esc(s.label)} ${value ?? '–'}`);
    });
    out.push(el('text', { class: 'num', x, y }, spans.join('<tspan> · </tspan>')));
    y += LINE_HEIGHT;
  }
  if (mark)
    out.push(el('text', { class: 'mark', x: left + width - 6, y: top - 4, 'text-anchor': 'end', style: `fill:${mark.stroke}` }, mark.word));
  out.push('</g>');
  return out.join('');
}
