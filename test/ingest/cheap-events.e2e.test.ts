import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FileProfileStore } from '../../store/file-store.ts';
import { offlineIngest } from '../helpers/ingest.ts';
import { compile, repoConfig } from '../helpers/temporal.ts';

/** A file store that counts what ingest asks of it, by method. */
class CountingStore extends FileProfileStore {
  readonly calls: Record<string, number> = {};
  inFlightReservations = 0;
  mostReservationsAtOnce = 0;
  constructor() {
    super(mkdtempSync(join(tmpdir(), 'cheap-')));
    for (const name of [
      'get',
      'update',
      'seen',
      'markSeen',
      'pendingBatch',
      'savePendingBatch',
      'runningRuns',
      'changeRunningRuns',
      'entries',
    ] as const) {
      const original = (this[name] as (...a: unknown[]) => Promise<unknown>).bind(this);
      (this as Record<string, unknown>)[name] = (...args: unknown[]) => {
        this.calls[name] = (this.calls[name] ?? 0) + 1;
        return original(...args);
      };
    }
  }
  override async reserveEntry(...args: Parameters<FileProfileStore['reserveEntry']>) {
    this.mostReservationsAtOnce = Math.max(this.mostReservationsAtOnce, ++this.inFlightReservations);
    await new Promise((r) => setTimeout(r, 50));
    this.inFlightReservations--;
    return super.reserveEntry(...args);
  }
  touches = () => Object.values(this.calls).reduce((a, b) => a + b, 0);
}

const screens = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ event_type: 'screen_view', data: { screen_name: `s${i}`, source_message_id: `v${i}` } }));
const customs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    event_type: 'custom_event',
    data: { event_name: 'nothing_listens', source_message_id: `c${i}` },
  }));

// Ingest's Temporal client points at a closed port here: any start or signal would be a 503.
it('a batch whose events start nothing touches the store a few times, however many events it has, and an unchanged profile is not written', async () => {
  const counts: number[] = [];
  for (const n of [1, 10, 50]) {
    const profiles = new CountingStore();
    const { post } = offlineIngest({ profiles });
    const batch = (id: string) => ({
      environment: 'production',
      source_request_id: id,
      user_identities: { customerid: 'idle-user' },
      user_attributes: { tier: 'gold' },
      events: [...screens(n), ...customs(n)],
    });
    expect((await post('/v2/events', batch('first'))).statusCode).toBe(202);
    const before = { ...profiles.calls };
    expect((await post('/v2/events', batch('second'))).statusCode).toBe(202);
    const second = Object.fromEntries(
      Object.entries(profiles.calls)
        .map(([k, v]) => [k, v - (before[k] ?? 0)])
        .filter(([, v]) => v !== 0),
    );
    // The second batch changes nothing in the profile: read, never written; one batch record read and one written.
    expect(second).toEqual({ seen: 1, get: 1, markSeen: 1 });
    counts.push(Object.values(second as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(await profiles.get('idle-user')).toMatchObject({ attributes: { tier: 'gold' }, identities: { customer_id: 'idle-user' } });
  }
  expect(counts).toEqual([3, 3, 3]);
});

it("the starts of one batch go out together: five flows' entry reservations are all in flight at once", async () => {
  const config = repoConfig();
  const flows = ['a', 'b', 'c', 'd', 'e'].map((f) =>
    compile(
      `flow: capped-${f}\ntrigger: { event: go_${f} }\nentry: { reentry: always, frequency: { max: 3, per: 1d } }\nsteps:\n  - wait: 1h\n`,
      config,
    ),
  );
  const profiles = new CountingStore();
  const { post } = offlineIngest({ profiles, flows: () => flows });
  const events = ['a', 'b', 'c', 'd', 'e'].map((f) => ({
    event_type: 'custom_event',
    data: { event_name: `go_${f}`, source_message_id: `go-${f}` },
  }));
  const answer = await post('/v2/events', { environment: 'production', user_identities: { customerid: 'busy-user' }, events });
  expect(answer.statusCode).toBe(503); // Temporal is unreachable: the sender retries
  expect(profiles.mostReservationsAtOnce).toBe(5);
});
