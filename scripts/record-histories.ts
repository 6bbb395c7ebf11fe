/**
 * Records the Temporal histories of the example flows, run on the time-skipping server with
 * recording destinations, into test/histories/. The replay test runs them through the current
 * interpreter: a change that would break running runs fails it. Re-record only when a change
 * is guarded by patched() (or the IR version changes), never to make the replay test pass.
 * Usage: npm run record-histories [-- [--tag TAG] SCENARIO…]   (only those scenarios: a new example flow's, say)
 * With --tag, the files are `<flow>--<scenario>--<TAG>.json` beside the older ones: runs started
 * under a new input flag get histories of their own, and the older runs' stay.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { manualEvent, type FlowEvent } from '../dsl/language/event.ts';
import { checkProject } from '../dsl/load/project.ts';
import { startFlowRun } from '../ingest/start-run.ts';
import { FileProfileStore } from '../store/file-store.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import { eventSignal, stateQuery } from '../workflows/messages.ts';
import { timeSkippingEnvironment } from '../dev/test-environments.ts';

interface Scenario {
  name: string;
  flow: string;
  trigger: Partial<FlowEvent> & { name: string };
  profile?: Record<string, unknown>;
  /** Sent once the run waits for (or in) this step kind. */
  during?: { waiting: 'wait' | 'wait_for'; event: Partial<FlowEvent> & { name: string } };
}

const SCENARIOS: Scenario[] = [
  {
    name: 'quiet-user',
    flow: 'sailthru-welcome-series',
    trigger: { name: 'sign_up', attributes: { plan: 'pro' } },
    profile: { FirstName: 'Ada' },
  },
  {
    name: 'app-open',
    flow: 'sailthru-welcome-series',
    trigger: { name: 'sign_up', attributes: { plan: 'team' } },
    profile: { tier: 'gold' },
    during: { waiting: 'wait_for', event: { name: 'app_open' } },
  },
  {
    name: 'points-added',
    flow: 'antavo-points-to-mparticle',
    trigger: { name: 'point_add', attributes: { points: '150' } },
    profile: { points_balance: '1200' },
  },
  {
    name: 'first-purchase',
    flow: 'customerio-first-purchase',
    trigger: { name: 'purchase', revenue: 42, currency: 'EUR', transaction_id: 't-1' },
    profile: { timezone: 'Europe/Paris' },
  },
  { name: 'no-purchase', flow: 'clevertap-cart-drop-off', trigger: { name: 'audience_added', audience_name: 'Cart Drop off' } },
  {
    name: 'exit-on-purchase',
    flow: 'clevertap-cart-drop-off',
    trigger: { name: 'audience_added', audience_name: 'Cart Drop off' },
    during: { waiting: 'wait', event: { name: 'purchase' } },
  },
  { name: 'long-session', flow: 'session-recap', trigger: { name: 'mp_session_end', attributes: { session_duration_ms: 125000 } } },
  { name: 'big-spender', flow: 'moengage-purchase', trigger: { name: 'purchase', revenue: 250, currency: 'USD', transaction_id: 't-2' } },
  { name: 'no-subscription', flow: 'trial-conversion-test', trigger: { name: 'trial_started' }, profile: { FirstName: 'Ada' } },
  {
    name: 'subscribed',
    flow: 'trial-conversion-test',
    trigger: { name: 'trial_started' },
    during: { waiting: 'wait', event: { name: 'subscription_started', attributes: { price: '9.99' } } },
  },
  {
    name: 'birthday',
    flow: 'birthday-greeting',
    trigger: { name: 'date_reached', id: 'date-2027', attributes: { date: '1990-05-01', field: 'profile.attributes.birthday' } },
    profile: { FirstName: 'Ada', birthday: '1990-05-01', marketing_opt_in: true },
  },
];

installRuntime('ERROR');
const { values: options, positionals: only } = parseArgs({ options: { tag: { type: 'string' } }, allowPositionals: true });
const suffix = options.tag ? `--${options.tag}` : '';
const project = checkProject({});
const env = await timeSkippingEnvironment();
const profiles = new FileProfileStore(mkdtempSync(join(tmpdir(), 'record-')));
const workers = await startWorkers({
  connection: env.nativeConnection,
  namespace: 'default',
  config: project.config,
  profiles,
  destinations: (await destinationClients(project.config, { mode: 'record' })).clients,
});
mkdirSync('test/histories', { recursive: true });
try {
  for (const scenario of SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name))) {
    const flow = project.flows.find((f) => f.flow === scenario.flow)!;
    const user = `user-${scenario.name}`;
    await profiles.update(user, (p) => Object.assign(p.attributes, scenario.profile ?? {}));
    const outcome = await startFlowRun(
      { client: env.client, profiles, config: project.config, searchAttributes: false },
      flow,
      user,
      manualEvent(scenario.trigger, `trigger-${scenario.name}`, await env.currentTimeMs()),
    );
    if (!outcome.started) throw new Error(`${scenario.name}: not started (${outcome.reason})`);
    const handle = env.client.workflow.getHandle(outcome.workflowId);
    if (scenario.during) {
      // Time only moves on this server while a client waits; move it an hour at a time until the run waits as wanted.
      for (let i = 0; i < 500; i++) {
        const state = await handle.query(stateQuery).catch(() => undefined);
        if (state?.waiting?.kind === scenario.during.waiting) break;
        await (state?.waiting ? env.sleep(3_600_000) : new Promise((r) => setTimeout(r, 50)));
      }
      await handle.signal(eventSignal, manualEvent(scenario.during.event, `during-${scenario.name}`, await env.currentTimeMs()));
    }
    const result = await handle.result();
    const history = await handle.fetchHistory();
    writeFileSync(join('test/histories', `${scenario.flow}--${scenario.name}${suffix}.json`), historyToJSON(history));
    console.log(`${scenario.name}: ${result.outcome} via ${result.path.join(' → ')} (${history.events?.length} events)`);
  }
} finally {
  await workers.shutdown();
  await env.teardown();
}
