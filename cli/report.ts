import { parseDuration } from '../dsl/language/durations.ts';
import { buildReport } from '../goals/report.ts';
import { formatReport, REPORT_FORMATS, type ReportFormat } from '../goals/report-format.ts';
import { openStepLog } from '../store/open.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { dataDir, loadProject } from './project.ts';

/**
 * `flows report FLOW`: goals, experiments and last-touch credits from the step-event log, as the
 * studio shows them, for scripts (json) and spreadsheets (csv).
 */
export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, COMMAND_WORDS.report.flags);
  if (positionals.length !== 1) throw new UsageError('name one flow id, e.g. flows report welcome-series');
  const format = (values.format ?? 'text') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format takes ${REPORT_FORMATS.join(', ')}; got '${values.format}'`);
  const sinceMs = values.since === undefined ? undefined : parseDuration(values.since);
  if (values.since !== undefined && sinceMs === undefined)
    throw new UsageError(`--since takes a duration such as 7d, 24h or 2w (a whole number and one unit); got '${values.since}'`);
  const project = loadProject(io, { config: values.config });
  if (!project) return EXIT.findings;
  const id = positionals[0]!;
  const log = await openStepLog(dataDir(io, values.data));
  try {
    const versions = await log.versions(id);
    // The version asked for is drawn as it was (its steps and goals); otherwise the file as it is now.
    const file = project.flows.find((f) => f.flow === id);
    const ofVersion = (v: string) => (file?.version === v ? file : versions.find((r) => r.version === v)?.ir);
    const asked = values.version === undefined ? undefined : ofVersion(values.version);
    const ir = asked ?? file ?? versions[0]?.ir;
    if (!ir) {
      const known = project.flows.map((f) => f.flow).join(', ') || 'none';
      io.err(`flows report: no flow '${id}' in the repository or the step-event log; flows here: ${known}\n`);
      return EXIT.findings;
    }
    if (values.version !== undefined && !asked) {
      const known = [...new Set([...(file ? [file.version] : []), ...versions.map((v) => v.version)])].join(', ');
      io.err(`flows report: ${id} has no version '${values.version}' (--version); versions: ${known}\n`);
      return EXIT.findings;
    }
    const now = Date.now();
    const since = sinceMs === undefined ? undefined : now - sinceMs;
    const [numbers, decisions] = await Promise.all([log.numbers(id, { version: values.version, since }), log.decisions(id)]);
    const report = buildReport(ir, numbers, decisions, { now, version: values.version, since, versions });
    io.out(formatReport(report, format));
    return EXIT.ok;
  } finally {
    await log.close?.();
  }
}
