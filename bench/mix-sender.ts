/**
 * The sender of bench/ingest-mix.ts, in a process of its own as senders are: its HTTP client's
 * CPU, garbage collection and timers do not share the ingest's event loop, so the latencies it
 * measures are the ingest's. Started with fork(); each message asks for one offer, the answer is
 * its 202s' latencies, the rest counted as errors.
 */
import { performance } from 'node:perf_hooks';
import { batchMaker, type MixShape } from './mix-batches.ts';

export interface Offer {
  url: string;
  auth: string;
  mix: string;
  rate: number;
  seconds: number;
  shape: MixShape;
}

export interface Offered {
  latencies: number[];
  errors: number;
  elapsed: number;
}

let batch: ((mix: string) => string) | undefined;

/** Offers batches at `rate` for `seconds`, on time whatever the answers take. */
async function offer({ url, auth, mix, rate, seconds, shape }: Offer): Promise<Offered> {
  batch ??= batchMaker(shape);
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const wait = t0 + (i / rate) * 1000 - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = batch(mix);
    const sent = performance.now();
    inflight.push(
      fetch(url, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body }).then(
        async (r) => {
          await r.arrayBuffer();
          if (r.status === 202) latencies.push(performance.now() - sent);
          else errors++;
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(inflight);
  return { latencies, errors, elapsed: (performance.now() - t0) / 1000 };
}

process.on('message', (message: Offer) => {
  void offer(message).then((result) => process.send!(result));
});
