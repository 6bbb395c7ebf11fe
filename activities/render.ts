import type { TemplateValueIR } from '../dsl/ir.ts';
import { liquid, type TemplateIR } from '../dsl/templates.ts';

export interface RenderScope {
  event: unknown;
  profile: unknown;
  vars: unknown;
}

/** Text of a template for this user, event and run. Templates were checked by `flows validate`. */
export function renderTemplate(template: TemplateIR, scope: RenderScope): string {
  return typeof template === 'string' ? template : String(liquid.parseAndRenderSync(template.$liquid, scope));
}

export function renderValue(value: TemplateValueIR, scope: RenderScope): unknown {
  if (typeof value === 'string' || (value !== null && typeof value === 'object' && '$liquid' in value && typeof value.$liquid === 'string')) {
    return renderTemplate(value as TemplateIR, scope);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v as TemplateValueIR, scope)]));
  }
  return value;
}

export const renderMap = (map: Record<string, TemplateValueIR>, scope: RenderScope): Record<string, unknown> =>
  renderValue(map, scope) as Record<string, unknown>;
