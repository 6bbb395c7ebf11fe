import { manualEvent } from '../dsl/event.ts';
import { startFlowRun } from '../ingest/start-run.ts';
import { openProfileStore } from '../profiles/open.ts';
import { EXIT, parseCommandArgs, UsageError, type CliIo } from './io.ts';
import { dataDir, findFlow, loadProject, mergeProfile, parseEventArg, parseProfileArg, type ProfileSeed } from './project.ts';
import { withTemporalClient } from './temporal-client.ts';

export const RUN_USAGE = 'flows run FILE --user ID [--event JSON] [--profile JSON] [--config FILE] [--data DIR]';

/** Starts a run by hand, under the flow's entry rules. */
export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    user: { type: 'string' },
    event: { type: 'string' },
    profile: { type: 'string' },
    config: { type: 'string' },
    data: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one flow file');
  if (!values.user) throw new UsageError('--user is required');
  const project = loadProject(io, { paths: positionals, ...(values.config ? { config: values.config } : {}) });
  if (!project) return EXIT.findings;
  const flow = findFlow(project, positionals[0]!, io)!;
  let event;
  let seed: ProfileSeed = {};
  try {
    event = manualEvent(parseEventArg(values.event, triggerName(flow.trigger)), `manual-${Date.now()}`, Date.now());
    if (values.profile) seed = parseProfileArg(values.profile);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return withTemporalClient(io, 'run', async (client) => {
    const profiles = await openProfileStore(dataDir(io, values.data));
    if (values.profile) await profiles.update(values.user!, (p) => mergeProfile(p, seed));
    const outcome = await startFlowRun({ client, profiles, config: project.config }, flow, values.user!, event);
    if (outcome.started) {
      io.out(`started ${outcome.workflowId} (run ${outcome.runId})\n`);
      return EXIT.ok;
    }
    io.out(`not started: ${outcome.reason} (${outcome.workflowId})\n`);
    return EXIT.findings;
  });
}

const triggerName = (trigger: import('../dsl/ir.ts').TriggerIR): string =>
  trigger.kind === 'event' ? trigger.event : trigger.kind === 'audience' ? `audience_${trigger.on}` : `user_${trigger.kind}`;
