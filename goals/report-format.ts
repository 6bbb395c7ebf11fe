import type { FlowReport } from './report.ts';

/** How a report is printed: for people, for programs, for spreadsheets. */
export const REPORT_FORMATS = ['text', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const pct = (rate: number | undefined): string => (rate === undefined ? '—' : `${(100 * rate).toFixed(1)}%`);
const signed = (rate: number): string => `${rate >= 0 ? '+' : ''}${(100 * rate).toFixed(1)}%`;
const money = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/** Columns padded to their widest cell: the first `names` columns (words) left-aligned, numbers right-aligned. */
function table(head: string[], rows: string[][], names = 1): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < names ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

function reportText(report: FlowReport): string {
  const scope = `${report.version ? `version ${report.version}` : 'all versions'}${
    report.since === undefined ? ', all time' : `, since ${new Date(report.since).toISOString()}`
  }`;
  const out = [`${report.name} (${report.flow}) · ${scope}`, ''];
  if (report.goals.length === 0) return [...out, 'This flow declares no goals: add `goals:` to count conversions.', ''].join('\n');
  out.push(
    'Goals',
    ...table(
      ['goal', 'entered', 'converted', 'rate', 'value'],
      report.goals.map((g) => [
        `${g.goal}${g.primary ? ' (primary)' : ''}`,
        String(g.entered),
        String(g.converted),
        pct(g.rate),
        money(g.value),
      ]),
    ),
  );
  for (const e of report.experiments) {
    const level = `${Math.round(e.confidence * 1000) / 10}%`;
    out.push('', `Split ${e.title} · goal ${e.goal} · lift over control, ${level} interval`);
    out.push(
      ...table(
        ['branch', 'runs', 'converted', 'rate', 'value', 'lift', 'interval', ''],
        e.branches.map((b) => [
          `${b.label}${b.control ? ' (control)' : ''}`,
          String(b.runs),
          String(b.converted),
          pct(b.rate),
          money(b.value),
          b.lift ? signed(b.lift.lift) : '—',
          b.lift ? `${signed(b.lift.low)} … ${signed(b.lift.high)}` : '',
          b.winner ? 'winner' : '',
        ]),
      ),
    );
    if (e.winner)
      out.push(`winner: ${e.winner.branch} — ${e.winner.reason}${e.winner.at ? ` (decided ${new Date(e.winner.at).toISOString()})` : ''}`);
    else if (e.pending) out.push(`no winner yet: ${e.pending}`);
  }
  if (report.credits.length) {
    out.push('', 'Conversions credited to the last send before them');
    out.push(
      ...table(
        ['step', 'goal', 'converted', 'value'],
        report.credits.map((c) => [c.title, c.goal, String(c.converted), money(c.value)]),
        2,
      ),
    );
  }
  return [...out, ''].join('\n');
}

const CSV_HEAD = [
  'section',
  'goal',
  'step',
  'branch',
  'control',
  'runs',
  'converted',
  'rate',
  'value',
  'lift',
  'lift_low',
  'lift_high',
  'winner',
];

/**
 * A cell as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break. Text that a
 * spreadsheet would run as a formula (a name beginning with `=`, `+`, `-`, `@`, a tab or a carriage
 * return, as a split label or goal name may) gets a leading `'`, OWASP's neutralisation; numbers
 * are left as they are, so a negative lift stays a number.
 */
const cell = (v: string | number | boolean | undefined): string => {
  const s = v === undefined ? '' : typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * One table a spreadsheet opens as is: a row per goal (`section` goal), per split branch
 * (`experiment`) and per credited send (`credit`); rates and lifts as fractions.
 */
export function reportCsv(report: FlowReport): string {
  const rows: Array<Array<string | number | boolean | undefined>> = [
    ...report.goals.map((g) => ['goal', g.goal, '', '', '', g.entered, g.converted, g.rate, g.value, '', '', '', '']),
    ...report.experiments.flatMap((e) =>
      e.branches.map((b) => [
        'experiment',
        e.goal,
        e.step,
        b.label,
        b.control,
        b.runs,
        b.converted,
        b.rate,
        b.value,
        b.lift?.lift,
        b.lift?.low,
        b.lift?.high,
        b.winner,
      ]),
    ),
    ...report.credits.map((c) => ['credit', c.goal, c.step, '', '', '', c.converted, '', c.value, '', '', '', '']),
  ];
  return [CSV_HEAD, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function formatReport(report: FlowReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return format === 'csv' ? reportCsv(report) : reportText(report);
}
