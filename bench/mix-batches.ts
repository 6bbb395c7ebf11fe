/** The batches bench/ingest-mix.ts offers: shared by the bench and its sender process (bench/mix-sender.ts). */
export interface MixShape {
  users: number;
  /** Events per batch. */
  events: number;
}

/** The attributes user `u` has, in the seeded profiles and in every batch of theirs. */
export const attributes = (u: number) => ({ tier: ['member', 'silver', 'gold'][u % 3], city: 'Oslo', app_version: '5.2' });

const IDLE_KINDS = (i: number) => [
  { event_type: 'screen_view', data: { screen_name: `screen-${i % 7}` } },
  {
    event_type: 'custom_event',
    data: { event_name: 'item_viewed', custom_event_type: 'navigation', custom_attributes: { sku: `sku-${i % 50}` } },
  },
  { event_type: 'session_start', data: { session_uuid: `s-${i}` } },
  { event_type: 'custom_event', data: { event_name: 'search', custom_event_type: 'search', custom_attributes: { q: 'shoes' } } },
  { event_type: 'screen_view', data: { screen_name: 'cart' } },
];

/** A maker of batches of a mix (`idle`, `mix`, `starts`) for random users; batch ids are unique per process. */
export function batchMaker({ users, events: perBatch }: MixShape): (mix: string) => string {
  let seq = 0;
  return (mix) => {
    const i = ++seq;
    const u = Math.floor(Math.random() * users);
    const events: Array<Record<string, unknown>> = Array.from({ length: perBatch }, (_, k) => IDLE_KINDS(i + k)[k % 5]!);
    const routed = (name: string, k = 0) => ({ event_type: 'custom_event', data: { event_name: name, source_message_id: `m-${i}-${k}` } });
    if (mix === 'starts') events[0] = routed('order_placed');
    // 10% of events: with 5 per batch, half of the batches carry one routed event (0.5 of 5 on average).
    if (mix === 'mix') {
      const count = Math.floor(perBatch / 10) + (i % 2 === 0 && perBatch % 10 >= 5 ? 1 : 0);
      for (let k = 0; k < count; k++) events[k] = routed((i + k) % 4 === 0 ? 'order_placed' : 'order_shipped', k);
    }
    return JSON.stringify({
      environment: 'production',
      source_request_id: `bench-${process.pid}-${i}`,
      user_identities: { customerid: `user-${u}` },
      user_attributes: attributes(u),
      events,
    });
  };
}
