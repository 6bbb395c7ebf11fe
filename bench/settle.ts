import { readFile } from 'node:fs/promises';

/** Busy and total CPU time of the whole machine so far, from /proc/stat (Linux); undefined elsewhere. */
export async function machineCpu(): Promise<{ busy: number; total: number } | undefined> {
  const text = await readFile('/proc/stat', 'utf8').catch(() => undefined);
  const fields = text?.split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number);
  if (!fields || fields.length < 5) return undefined;
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait are the time nothing ran
  return { busy: total - fields[3]! - (fields[4] ?? 0), total };
}

/** The share of the machine's CPU time that was busy between two readings of machineCpu. */
export const busyShare = (before: { busy: number; total: number }, after: { busy: number; total: number }): number =>
  (after.busy - before.busy) / Math.max(1, after.total - before.total);

/**
 * Waits until the machine is quiet (under `busyBelow` of its CPUs busy for two seconds running),
 * at most `maxSeconds`: a phase that starts runs (seeding, a ceiling) leaves the workers and the
 * server busy for a while, and the next phase should not be measured against that backlog.
 * Returns the seconds waited. Without /proc/stat it waits a fixed 10 s.
 */
export async function settle(options: { busyBelow?: number; maxSeconds?: number } = {}): Promise<number> {
  const { busyBelow = 0.15, maxSeconds = 90 } = options;
  const t0 = performance.now();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let quiet = 0;
  let last = await machineCpu();
  if (!last) return sleep(10_000).then(() => 10);
  while (quiet < 2 && performance.now() - t0 < maxSeconds * 1000) {
    await sleep(1_000);
    const now = (await machineCpu())!;
    quiet = busyShare(last, now) < busyBelow ? quiet + 1 : 0;
    last = now;
  }
  return (performance.now() - t0) / 1000;
}
