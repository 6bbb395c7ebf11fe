import { ApplicationFailure } from '@temporalio/activity';
import type { Liquid } from 'liquidjs';
import type { TemplateValueIR } from '../dsl/language/ir.ts';
import { exceededLimit, liquid, type TemplateIR } from '../dsl/language/templates.ts';

export interface RenderScope {
  event: unknown;
  profile: unknown;
  vars: unknown;
}

/**
 * Text of a template for this user, event and run. Templates were checked by `flows validate`;
 * one that goes past a render limit (a huge loop, or data that makes it one) fails the step at
 * once: a retry would render the same thing again.
 */
export function renderTemplate(template: TemplateIR, scope: RenderScope, engine: Liquid = liquid): string {
  if (typeof template === 'string') return template;
  try {
    return String(engine.parseAndRenderSync(template.$liquid, scope));
  } catch (error) {
    const limit = exceededLimit(error);
    if (!limit) throw error;
    throw ApplicationFailure.create({
      type: 'TemplateLimitExceeded',
      message: `template ${shortQuote(template.$liquid)} ${limit}; render less (a smaller loop or range) or move it to the destination`,
      nonRetryable: true,
    });
  }
}

/** Enough of a template's source to recognise it in the flow file. */
const shortQuote = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

export function renderValue(value: TemplateValueIR, scope: RenderScope): unknown {
  if (
    typeof value === 'string' ||
    (value !== null && typeof value === 'object' && '$liquid' in value && typeof value.$liquid === 'string')
  ) {
    return renderTemplate(value as TemplateIR, scope);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, scope)]));
  }
  return value;
}

export const renderMap = (map: Record<string, TemplateValueIR>, scope: RenderScope): Record<string, unknown> =>
  renderValue(map, scope) as Record<string, unknown>;
