import { manualEvent } from '../dsl/language/event.ts';
import type { TriggerIR } from '../dsl/language/ir.ts';
import { startFlowRun } from '../ingest/start-run.ts';
import { ENTRY_EVENT } from '../ingest/scheduled-entries.ts';
import { openProfileStore } from '../store/open.ts';
import { FORCE_NOTE, whyNotStarted } from './entry-check.ts';
import { COMMAND_WORDS } from './commands.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { dataDir, loadHandRun, mergeProfile } from './project.ts';
import { withTemporalClient } from './temporal-client.ts';

/**
 * Starts a run by hand, as ingest would: under the trigger's filter and the flow's entry rules.
 * `--force` skips the filter (and a paused or draft status), and says so.
 */
export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, COMMAND_WORDS.run.flags);
  if (positionals.length !== 1) throw new UsageError('give exactly one flow file');
  if (!values.user) throw new UsageError('--user is required');
  const hand = loadHandRun(io, positionals[0]!, values, (flow) => triggerName(flow.trigger));
  if (!hand) return EXIT.findings;
  const { project, flow, seed } = hand;
  const event = manualEvent(hand.event, `manual-${Date.now()}`, Date.now());
  return withTemporalClient(io, 'run', async (client) => {
    const profiles = await openProfileStore(dataDir(io, values.data));
    const profile = values.profile ? await profiles.update(values.user!, (p) => mergeProfile(p, seed)) : await profiles.get(values.user!);
    const refused = whyNotStarted(flow, event, profile, Date.now(), project.config.timezone);
    if (refused && !values.force) {
      io.out(`not started: ${refused}\n(--force starts it anyway)\n`);
      return EXIT.findings;
    }
    if (refused) io.out(`${FORCE_NOTE}: ${refused}\n`);
    const forced = refused ? { ...flow, status: 'active' as const } : flow;
    const outcome = await startFlowRun({ client, profiles, config: project.config }, forced, values.user!, event);
    if (outcome.started) {
      io.out(`started ${outcome.workflowId} (run ${outcome.runId})\n`);
      return EXIT.ok;
    }
    io.out(`not started: ${outcome.reason} (${outcome.workflowId})\n`);
    return EXIT.findings;
  });
}

const triggerName = (trigger: TriggerIR): string =>
  trigger.kind === 'event'
    ? trigger.event
    : trigger.kind === 'audience'
      ? `audience_${trigger.on}`
      : trigger.kind === 'date' || trigger.kind === 'scheduled_audience'
        ? ENTRY_EVENT[trigger.kind]
        : `user_${trigger.kind}`;
