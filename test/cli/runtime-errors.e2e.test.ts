import { describe, expect, it } from 'vitest';
import { flows } from '../helpers/cli.ts';

// Port 1 on loopback: nothing listens there, so the connection is refused at once.
const DOWN = { TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_NAMESPACE: 'marketing' };

describe('runtime commands explain what is wrong and how to fix it', () => {
  it('flows run names the Temporal address it could not reach and how to start one', async () => {
    const r = await flows(DOWN, 'run', 'flows/moengage-purchase.yaml', '--user', 'u1');
    expect(r.code).toBe(1);
    expect(r.err).toContain('cannot reach Temporal at 127.0.0.1:1 (namespace marketing)');
    expect(r.err).toContain('npm start');
  });

  it('flows status says the same', async () => {
    const r = await flows(DOWN, 'status');
    expect(r.code).toBe(1);
    expect(r.err).toContain('flows status: cannot reach Temporal at 127.0.0.1:1');
  });

  it('flows worker without --fake-destinations stops on a missing credential, naming the variable and destination', async () => {
    const r = await flows({ ...DOWN, SAILTHRU_API_KEY: '', SAILTHRU_API_SECRET: '' }, 'worker');
    expect(r.code).toBe(1);
    expect(r.err).toContain("destination 'sailthru' (sailthru) needs SAILTHRU_API_KEY, SAILTHRU_API_SECRET");
    expect(r.err).toContain('--fake-destinations');
  });

  it('flows worker refuses a workflow cache that is not a number of runs, saying what it takes', async () => {
    const r = await flows({ ...DOWN, FLOWLINE_WORKFLOW_CACHE: 'lots' }, 'worker', '--fake-destinations');
    expect(r.code).toBe(2);
    expect(r.err).toContain("FLOWLINE_WORKFLOW_CACHE takes a whole number of runs, 2 or more (default 1000), not 'lots'");
  });

  it('usage errors exit 2', async () => {
    expect((await flows({}, 'run', 'flows/moengage-purchase.yaml')).code).toBe(2);
    expect((await flows({}, 'run', 'flows/moengage-purchase.yaml', '--user', 'u', '--event', '{"attributes":{}}')).code).toBe(2);
    expect((await flows({}, 'status', '--limit', '0')).code).toBe(2);
    expect((await flows({}, 'simulate')).code).toBe(2);
  });
});
