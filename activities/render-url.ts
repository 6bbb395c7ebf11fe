import { Liquid } from 'liquidjs';
import { liquid, type TemplateIR } from '../dsl/language/templates.ts';
import { renderTemplate, type RenderScope } from './render.ts';

/** Data as one URL component: `/`, `?`, `&`, `#`, `@` and `:` cannot add a path segment, a query or a host. */
const component = (value: unknown): string =>
  encodeURIComponent(value === undefined || value === null ? '' : Array.isArray(value) ? value.join('') : String(value));

// The same engine settings (filters, limits), plus every `{{ }}` output URL-encoded; `| raw` opts out.
const urlLiquid = new Liquid({ ...liquid.options, outputEscape: component });

/** A webhook URL for this user and run: the template's own text as written, data URL-encoded into it. */
export const renderUrl = (template: TemplateIR, scope: RenderScope): string => renderTemplate(template, scope, urlLiquid);
