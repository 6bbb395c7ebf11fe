import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FlowIR } from '../dsl/language/ir.ts';
import { openForAppend, withFileLock, writeDurably, type AppendFile } from './durable-file.ts';
import { FLOW_STEP } from './step-log.ts';
import type { FlowNumbers, LatestQuery, NumbersQuery, StepEvent, StepLog, StepOutcome, WinnerDecision } from './step-log.ts';
import { byTime, canonicalEvent, checkEvents, dayOf, flowOfWorkflow, foldNumbers, hourOf, type RollupRow } from './step-rollup.ts';
import { fold, LATEST_KEEP, readLines, readNew, runHash, type Day } from './day-file.ts';
import { KeyQueue } from './key-queue.ts';
import { readDecisions } from './winner-decisions-file.ts';
import { loadSnapshot, saveSnapshot } from './day-snapshot.ts';
import { safeFlow } from './flow-folder.ts';
import { VersionFiles } from './version-files.ts';

/** Days whose event ids a process keeps in memory for de-duplication (the days it writes). */
const ID_DAYS = 3;
/** A day's counters are saved beside its log after this many newly read bytes, so a restart reads little. */
const SNAPSHOT_BYTES = 1 << 20;
const DAY_FILE = /^(\d{4}-\d\d-\d\d)\.log$/;
/**
 * At most this many groups go in under one hold of a day's lock. Another process waiting for it
 * polls, and only gets it in the moments between holds: with more groups per hold, a process
 * under steady load would leave those moments too rare.
 */
const GROUPS_PER_LOCK = 4;

/**
 * The embedded step log: per flow a folder, in it one append-only file per UTC day of the events'
 * time (`<day>.log`, one JSON event per line, each append synced before `record` returns).
 * An event's time is fixed by the run, so a retry of the same event lands in the same day file,
 * and de-duplication only needs that day's ids. A writer holds the day's lock (other processes
 * respect it), reads what others appended, and appends only ids the file does not hold: a day
 * file never holds an id twice, so readers count lines without remembering ids.
 *
 * Readers (the studio, another process) re-read what was appended since their last call on
 * every call: cheap (a stat per day, then only new bytes), and never stale. Counters per day are
 * saved beside the log (`<day>.sum.json`, a cache: a missing or unreadable one is rebuilt), so a
 * restarted process reads only what was appended after the save.
 *
 * Split winners live apart, one small file per flow (`decisions/<flow>.json`), replaced whole
 * under its lock: the first decision for a split is kept.
 */
export class FileStepLog implements StepLog {
  private readonly days = new Map<string, Day>();
  private readonly queue = new KeyQueue();
  private readonly pending = new Map<string, { events: StepEvent[]; waiters: Array<{ resolve(): void; reject(e: unknown): void }> }>();
  private readonly idDays: string[] = [];

  private readonly versionFiles: VersionFiles;

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.versionFiles = new VersionFiles(join(dir, 'versions'));
  }

  async record(events: readonly StepEvent[]): Promise<void> {
    checkEvents(events);
    const groups = new Map<string, StepEvent[]>();
    for (const e of events) {
      const file = this.dayFile(e.flowId, dayOf(e.at));
      const group = groups.get(file);
      if (group) group.push(e);
      else groups.set(file, [e]);
    }
    await Promise.all([...groups].map(([file, batch]) => this.commit(file, batch)));
  }

  async has(id: string, at?: number): Promise<boolean> {
    const flow = flowOfWorkflow(id);
    if (!flow) return false;
    const days = at !== undefined ? [dayOf(at)] : (await this.dayNames(flow)).reverse();
    for (const day of days) {
      const file = this.dayFile(flow, day);
      if (await this.serial(file, async () => (await this.catchUp(file, true)).ids!.has(id))) return true;
    }
    return false;
  }

  async numbers(flowId: string, options: NumbersQuery = {}): Promise<FlowNumbers> {
    const { version, since } = options;
    const from = since === undefined ? undefined : hourOf(since);
    const rows: RollupRow[] = [];
    for (const day of await this.loadDays(flowId, since)) {
      for (const [key, { n, value }] of day.rollup) {
        const [v, step, outcome, branch, goal, hour] = key.split('\t') as [string, string, string, string, string, string];
        if ((version === undefined || v === version) && (from === undefined || Number(hour) >= from))
          rows.push({ step, outcome, branch, goal, at: Number(hour), n, value });
      }
    }
    return foldNumbers(rows, since, this.now());
  }

  async latest(flowId: string, step: string, outcome: StepOutcome, options: LatestQuery = {}): Promise<StepEvent[]> {
    const limit = options.limit ?? 20;
    const wanted = (e: StepEvent) =>
      e.step === step && e.outcome === outcome && (options.version === undefined || e.version === options.version);
    const needle = `"step":${JSON.stringify(step)},"outcome":${JSON.stringify(outcome)}`;
    const found: StepEvent[] = [];
    for (const day of (await this.loadDays(flowId)).reverse()) {
      if (limit <= LATEST_KEEP) for (const events of day.latest.values()) found.push(...events.filter(wanted));
      else found.push(...(await readNew(day.file, 0, day.offset, (line) => line.includes(needle))).events.filter(wanted));
      if (found.length >= limit) break;
    }
    return found.sort((a, b) => b.at - a.at).slice(0, limit);
  }

  async run(workflowId: string, runId?: string): Promise<StepEvent[]> {
    const flow = flowOfWorkflow(workflowId);
    if (!flow) return [];
    const events: StepEvent[] = [];
    for (const day of await this.loadDays(flow)) {
      if (!day.runs.has(runHash(workflowId))) continue;
      const needle = JSON.stringify(workflowId);
      const { events: found } = await readNew(day.file, 0, day.offset, (line) => line.includes(needle));
      events.push(...found.filter((e) => e.workflowId === workflowId && (runId === undefined || e.runId === runId)));
    }
    if (runId !== undefined || events.length === 0) return byTime(events);
    // Without a run id: the newest run of the workflow id (a flow with reentry after_exit has several).
    const newest = events.reduce((a, b) => (b.at > a.at ? b : a)).runId;
    return byTime(events.filter((e) => e.runId === newest));
  }

  async userRuns(flowId: string, userId: string, since: number): Promise<StepEvent[]> {
    // Only the days from `since` on that hold an event of the user, and of those only the user's lines.
    const needle = `"userId":${JSON.stringify(userId)}`;
    const events: StepEvent[] = [];
    for (const day of await this.loadDays(flowId, since)) {
      if (!day.users.has(runHash(userId))) continue;
      const { events: found } = await readNew(day.file, 0, day.offset, (line) => line.includes(needle));
      events.push(...found.filter((e) => e.userId === userId && e.at >= since));
    }
    const runKey = (e: StepEvent) => `${e.workflowId}\t${e.runId}`;
    const entered = new Set(events.filter((e) => e.step === FLOW_STEP && e.outcome === 'entered').map(runKey));
    return byTime(events.filter((e) => entered.has(runKey(e))));
  }

  async recordDecision(decision: WinnerDecision): Promise<WinnerDecision> {
    const file = this.decisionsFile(decision.flowId);
    // Under the file's lock (other processes) and in this process one at a time: the first decision stays.
    return this.serial(file, () =>
      withFileLock(file, async () => {
        const standing = await readDecisions(file);
        const kept = standing.find((d) => d.step === decision.step);
        if (kept) return kept;
        const { flowId, step, branch, at, version, goal, reason } = decision;
        const recorded = { flowId, step, branch, at, version, goal, reason };
        await writeDurably(file, JSON.stringify([...standing, recorded]));
        return recorded;
      }),
    );
  }

  async decisions(flowId: string): Promise<WinnerDecision[]> {
    return (await readDecisions(this.decisionsFile(flowId))).sort((a, b) => (a.step < b.step ? -1 : a.step > b.step ? 1 : 0));
  }

  recordVersion(ir: FlowIR, at: number): Promise<void> {
    return this.versionFiles.record(ir, at);
  }

  versions(flowId: string): Promise<Array<{ version: string; firstSeen: number; ir: FlowIR }>> {
    return this.versionFiles.list(flowId);
  }

  /**
   * Group commit: events for one day file wait while an append is under way, then go in one
   * append. Groups that queue up meanwhile follow under the same lock and open file (a lock and an
   * open cost five system calls; the append and its sync two), up to GROUPS_PER_LOCK of them.
   */
  private commit(file: string, events: StepEvent[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const queued = this.pending.get(file);
      if (queued) {
        queued.events.push(...events);
        queued.waiters.push({ resolve, reject });
        return;
      }
      this.pending.set(file, { events: [...events], waiters: [{ resolve, reject }] });
      void this.serial(file, async () => {
        const first = this.pending.get(file);
        if (!first) return; // an earlier commit took it under its lock
        this.pending.delete(file);
        let batch = first;
        try {
          await withFileLock(
            file,
            async () => {
              // Opened first: its size under the lock says what other processes appended (no stat of its own).
              const out = await openForAppend(file);
              let held = 1;
              try {
                for (;;) {
                  await this.append(file, out, batch.events);
                  for (const w of batch.waiters) w.resolve();
                  const next = this.pending.get(file);
                  if (!next || held++ >= GROUPS_PER_LOCK) return;
                  this.pending.delete(file);
                  batch = next;
                }
              } finally {
                await out.close();
              }
            },
            { folderKnown: true },
          );
        } catch (error) {
          // The lock, the open or an append failed: the group in hand is refused (the next starts afresh,
          // a failed append's file closed). A failed close finds its waiters settled already.
          for (const w of batch.waiters) w.reject(error);
        }
      });
    });
  }

  /** Appends the events the day file does not hold yet; call under the day's lock, with the file open. */
  private async append(file: string, out: AppendFile, events: StepEvent[]): Promise<void> {
    const day = await this.catchUp(file, true, out.size);
    const fresh = new Map<string, StepEvent>();
    for (const e of events) if (!day.ids!.has(e.id) && !fresh.has(e.id)) fresh.set(e.id, e);
    if (fresh.size === 0) return;
    const text = [...fresh.values()].map((e) => `\n${JSON.stringify(canonicalEvent(e))}\n`).join('');
    const size = await out.append(text);
    // Under the lock nobody else appended: fold what was written without reading it back. The
    // file ends with it; anything between the old offset and it is a line torn by a crash.
    for (const e of fresh.values()) fold(day, e);
    day.offset = size;
    if (this.worthSaving(day)) await saveSnapshot(day);
  }

  /** Reads every day of a flow (from `since`'s day on) up to its end. */
  private async loadDays(flowId: string, since?: number): Promise<Day[]> {
    const first = since === undefined ? '' : dayOf(since);
    const names = (await this.dayNames(flowId)).filter((d) => d >= first);
    return Promise.all(names.map((d) => this.dayFile(flowId, d)).map((file) => this.serial(file, () => this.catchUp(file, false))));
  }

  private async dayNames(flowId: string): Promise<string[]> {
    const names = await readdir(join(this.dir, 'flows', safeFlow(flowId))).catch(() => [] as string[]);
    return names.flatMap((n) => DAY_FILE.exec(n)?.[1] ?? []).sort();
  }

  private decisionsFile(flowId: string): string {
    return join(this.dir, 'decisions', `${safeFlow(flowId)}.json`);
  }

  private dayFile(flowId: string, day: string): string {
    return join(this.dir, 'flows', safeFlow(flowId), `${day}.log`);
  }

  /**
   * Folds whatever was appended to a day file since the last call (by any process) into the
   * day's counters; with `ids`, also makes sure every id in the file is known. Call under `serial`.
   * `knownSize`: the file's size now, when the caller has it (an open handle's), saves a stat.
   */
  private async catchUp(file: string, ids: boolean, knownSize?: number): Promise<Day> {
    let day = this.days.get(file);
    if (!day) {
      day = (await loadSnapshot(file)) ?? {
        file,
        offset: 0,
        snapshotAt: 0,
        rollup: new Map(),
        latest: new Map(),
        runs: new Set(),
        users: new Set(),
      };
      this.days.set(file, day);
    }
    if (ids && !day.ids) {
      day.ids = new Set();
      if (day.offset > 0) for (const e of await readLines(file, 0, day.offset)) day.ids.add(e.id);
      this.rememberIds(file);
    }
    const size =
      knownSize ??
      (await stat(file).then(
        (s) => s.size,
        () => 0,
      ));
    if (size <= day.offset) return day;
    const { events, end } = await readNew(file, day.offset, size);
    for (const e of events) fold(day, e);
    day.offset = end;
    if (this.worthSaving(day)) await saveSnapshot(day);
    return day;
  }

  /** Keeps ids in memory for the last ID_DAYS days written; an older day's ids are read again if it is written again. */
  private rememberIds(file: string): void {
    this.idDays.push(file);
    while (this.idDays.length > ID_DAYS) {
      const old = this.days.get(this.idDays.shift()!);
      if (old) delete old.ids;
    }
  }

  /** After enough new bytes, or once a day is over (events of days before yesterday are rare: retries, late runs). */
  private worthSaving(day: Day): boolean {
    if (day.offset === day.snapshotAt) return false;
    const closed = basename(day.file, '.log') < dayOf(this.now() - 86_400_000);
    return closed || day.offset - day.snapshotAt >= SNAPSHOT_BYTES;
  }

  /** One operation on a day at a time in this process (reads and folds interleave otherwise). */
  private serial<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(key, work);
  }
}
