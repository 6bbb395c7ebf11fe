import { afterAll, expect, it } from 'vitest';
import { checkProject } from '../../dsl/load/project.ts';
import { offlineIngest, postTo } from '../helpers/ingest.ts';

// Every reason below is decided before Temporal is asked, so an ingest whose Temporal is down answers them.
const flows = checkProject({}).flows.map((f) => (f.flow === 'session-recap' ? { ...f, status: 'paused' as const } : f));
const ingest = offlineIngest({ flows: () => flows });
afterAll(() => ingest.app.close());

const send = async (user: string, ...events: Array<{ name: string; attributes?: Record<string, unknown> }>) => {
  const answer = await postTo(
    ingest.app,
    '/v2/events',
    {
      environment: 'development',
      user_identities: { customerid: user },
      events: events.map((e) => ({ event_type: 'custom_event', data: { event_name: e.name, custom_attributes: e.attributes ?? {} } })),
    },
    { report: true },
  );
  expect(answer.statusCode).toBe(202);
  return answer.json().batches[0];
};

it('the batch report names an event no flow starts on or waits for, and /stats counts it', async () => {
  const before = ingest.stats.notStarted['no-flow'] ?? 0;
  const report = await send('nobody-user', { name: 'nobody_listens' });
  expect(report).toMatchObject({ started: 0, notStarted: { 'no-flow': 1 } });
  expect(report.notStartedEvents).toEqual([{ event: 'nobody_listens', reason: 'no-flow' }]);
  const stats = (await ingest.app.inject({ method: 'GET', url: '/stats' })).json();
  expect(stats.notStarted['no-flow']).toBe(before + 1);
});

it("the batch report says which flow's filter refused an event, and /stats counts it under that flow", async () => {
  const report = await send('low-points-user', { name: 'point_add', attributes: { points: '50' } });
  expect(report).toMatchObject({ started: 0, notStarted: { filter: 1 } });
  expect(report.notStartedEvents).toEqual([{ event: 'point_add', flow: 'antavo-points-to-mparticle', reason: 'filter' }]);
  expect(ingest.stats.notStartedByFlow['antavo-points-to-mparticle']).toMatchObject({ filter: 1 });
});

it("a paused flow is the reason given, whether or not the event passes the flow's filter", async () => {
  const short = await send('paused-user', { name: 'mp_session_end', attributes: { session_duration_ms: 1000 } });
  const long = await send('paused-user', { name: 'mp_session_end', attributes: { session_duration_ms: 90000 } });
  for (const report of [short, long])
    expect(report.notStartedEvents).toEqual([{ event: 'mp_session_end', flow: 'session-recap', reason: 'paused' }]);
  expect(ingest.stats.notStartedByFlow['session-recap']).toMatchObject({ paused: 2 });
});
