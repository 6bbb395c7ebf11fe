import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One value of a series at a moment: seconds since the start. */
export interface Point {
  t: number;
  value: number;
  /** Which line of its panel (a process's name); one line when absent. */
  series?: string;
}

export interface Panel {
  title: string;
  /** The y axis's words, with its unit. */
  unit: string;
  points: Point[];
}

/** A moment marked across every panel (a fault injected), with its words. */
export interface Mark {
  t: number;
  label: string;
}

/**
 * Time series one above the other, sharing the time axis, with marks drawn across all of them,
 * as an SVG document (Vega-Lite, rendered headless: no browser, no canvas, nothing fetched).
 */
export async function timeSeriesSvg(title: string, panels: readonly Panel[], marks: readonly Mark[] = []): Promise<string> {
  const spec: TopLevelSpec = {
    title,
    config: { font: 'sans-serif', view: { stroke: '#ddd' } },
    // Each panel its own lines and legend (processes in one, a single line in another).
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    vconcat: panels.map((panel) => ({
      width: 820,
      height: 160,
      title: { text: panel.title, anchor: 'start', fontSize: 13 },
      layer: [
        {
          data: { values: panel.points.map((p) => ({ ...p, minutes: p.t / 60, series: p.series ?? panel.title })) },
          mark: { type: 'line', strokeWidth: 1.5, interpolate: 'linear' },
          encoding: {
            // Minutes as the data (not seconds labelled as minutes): ticks fall on whole minutes.
            x: { field: 'minutes', type: 'quantitative', title: 'minutes', axis: { tickMinStep: 1 } },
            y: { field: 'value', type: 'quantitative', title: panel.unit },
            color: { field: 'series', type: 'nominal', title: null, legend: panel.points.some((p) => p.series) ? {} : null },
          },
        },
        ...(marks.length
          ? [
              {
                data: { values: marks.map((m) => ({ ...m, minutes: m.t / 60 })) },
                mark: { type: 'rule' as const, color: '#c62828', strokeDash: [4, 3] },
                encoding: { x: { field: 'minutes', type: 'quantitative' as const }, tooltip: { field: 'label', type: 'nominal' as const } },
              },
              {
                data: { values: marks.map((m) => ({ ...m, minutes: m.t / 60 })) },
                mark: { type: 'text' as const, color: '#c62828', align: 'left' as const, dx: 3, dy: -4, fontSize: 9, angle: 0 },
                encoding: {
                  x: { field: 'minutes', type: 'quantitative' as const },
                  y: { value: 0 },
                  text: { field: 'label', type: 'nominal' as const },
                },
              },
            ]
          : []),
      ],
    })),
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
