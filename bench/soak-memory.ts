/**
 * Whether each process's memory stayed flat in a soak, judged per life: a process a fault
 * restarted is a new process, which warms up again, so comparing the soak's second fifth (the
 * old process) with its last (the new one) says nothing about either. Each life of at least
 * MIN_LIFE_S is judged as the soak used to judge the whole: the mean over its second fifth (the
 * first is its warm-up) against the mean over its last fifth.
 * `npx tsx bench/soak-memory.ts <soak.json>` prints the table for a soak already run.
 */
import { readFileSync } from 'node:fs';
import type { Mark, Point } from './plot.ts';

/** The process each of the soak's faults restarts, by the fault's label (the label its mark carries). */
export const FAULT_RESTARTS = {
  'Temporal server SIGKILL': 'temporal-server',
  'PostgreSQL restart': 'postgres',
  'ingest-1 SIGKILL': 'ingest-1',
  'worker-1 SIGKILL': 'worker-1',
  'ingest-2 SIGKILL': 'ingest-2',
  'worker-2 SIGKILL': 'worker-2',
} as const satisfies Record<string, string>;
const restartedBy = (label: string): string | undefined => (FAULT_RESTARTS as Record<string, string>)[label];

// Ten minutes, less the moments a fault's mark falls after its minute.
const MIN_LIFE_S = 570;

interface LifeMemory {
  process: string;
  /** Seconds into the soak the life began and ended. */
  from: number;
  to: number;
  /** Mean MB over the life's second fifth and its last fifth. */
  warm: number;
  last: number;
  change: number;
}

const mean = (points: Point[]) => points.reduce((s, p) => s + p.value, 0) / Math.max(1, points.length);

/** Each life of each process long enough to judge, from the memory samples and the faults' marks. */
function lifeMemory(pss: readonly Point[], marks: readonly Mark[], seconds: number, processes: readonly string[]): LifeMemory[] {
  return processes.flatMap((process) => {
    const restarts = marks.filter((m) => restartedBy(m.label) === process).map((m) => m.t);
    const bounds = [0, ...restarts, seconds];
    return bounds.slice(1).flatMap((to, k) => {
      const from = bounds[k]!;
      if (to - from < MIN_LIFE_S) return [];
      const fifth = (to - from) / 5;
      const within = (a: number, b: number) => pss.filter((p) => p.series === process && p.t >= a && p.t < b);
      const warm = mean(within(from + fifth, from + 2 * fifth));
      const last = mean(within(to - fifth, to + 1));
      return [{ process, from, to, warm, last, change: (last - warm) / warm }];
    });
  });
}

/** Each life long enough to judge as a Markdown table, with the processes too short-lived to judge named. */
export function lifeMemoryTable(pss: readonly Point[], marks: readonly Mark[], seconds: number): string {
  const processes = [...new Set(pss.map((p) => p.series!))].sort();
  const lives = lifeMemory(pss, marks, seconds, processes);
  const min = (s: number) => (s / 60).toFixed(0);
  const rows = lives.map(
    (l) => `| ${l.process} | ${min(l.from)}–${min(l.to)} | ${l.warm.toFixed(0)} | ${l.last.toFixed(0)} | ${(l.change * 100).toFixed(1)}% |`,
  );
  const unjudged = processes.filter((p) => !lives.some((l) => l.process === p));
  return [
    '| process | life judged (minutes) | MB, its 2nd fifth | MB, its last fifth | change |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows,
    ...(unjudged.length ? [`(no life of 10 minutes or more: ${unjudged.join(', ')})`] : []),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npx tsx bench/soak-memory.ts <soak.json>');
  const { pss, marks } = JSON.parse(readFileSync(file, 'utf8')) as { pss: Point[]; marks: Mark[] };
  const seconds = Math.ceil(Math.max(...pss.map((p) => p.t)) / 60) * 60; // the last sample is up to 10 s before the end
  console.log(lifeMemoryTable(pss, marks, seconds));
}
