/**
 * The live numbers' fan-out: one computation per key (flow version and window) per interval,
 * whatever the number of pages watching it. Each computation costs Temporal visibility counts and
 * step-log reads, so it must scale with what is watched, not with how many tabs watch it.
 */
export interface LiveHub {
  /**
   * Adds a subscriber to `key`; `compute` makes the numbers (used only when the key has no topic
   * yet: one key means one computation). Returns the function that removes the subscriber.
   */
  subscribe(key: string, compute: () => Promise<unknown>, write: (frame: string) => void): () => void;
  /** Stops every timer (the studio closes). */
  close(): void;
}

interface Topic {
  subscribers: Set<(frame: string) => void>;
  compute: () => Promise<unknown>;
  latest?: string;
  running: boolean;
  timer?: NodeJS.Timeout;
}

/** The wire format of the live stream (server-sent events), as the flow page reads it. */
const numbersFrame = (numbers: unknown): string => `event: numbers\ndata: ${JSON.stringify(numbers)}\n\n`;
const problemFrame = (error: unknown): string =>
  `event: problem\ndata: ${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n\n`;

export function liveHub(intervalMs: number): LiveHub {
  const topics = new Map<string, Topic>();
  let closed = false;

  const send = (write: (frame: string) => void, frame: string) => {
    try {
      write(frame);
    } catch {
      // A connection that broke mid-write is removed by its own close handler; the others still get the frame.
    }
  };

  // Never rejects: a failed computation is a `problem` frame, as before.
  const frameOf = (compute: () => Promise<unknown>): Promise<string> => compute().then(numbersFrame, problemFrame);

  const tick = (key: string, topic: Topic) => {
    topic.running = true;
    void frameOf(topic.compute).then((frame) => {
      topic.running = false;
      // Everyone left while it ran: drop the topic now (unsubscribe kept it for this computation's sake).
      if (closed || topic.subscribers.size === 0) {
        if (topics.get(key) === topic) topics.delete(key);
        return;
      }
      topic.latest = frame;
      for (const write of topic.subscribers) send(write, frame);
      // Timed from the end of the computation, as before: a slow Temporal never stacks computations.
      topic.timer = setTimeout(() => tick(key, topic), intervalMs);
    });
  };

  return {
    subscribe(key, compute, write) {
      if (closed) throw new Error('the studio is closing');
      let topic = topics.get(key);
      if (!topic) {
        topic = { subscribers: new Set(), compute, running: false };
        topics.set(key, topic);
      }
      const own = topic;
      // A Set keyed by the function: each subscription gets a function of its own.
      const subscriber = (frame: string) => write(frame);
      own.subscribers.add(subscriber);
      // The latest frame at once; else the first computation, unless one is already under way (its frame reaches everyone).
      if (own.latest !== undefined) send(subscriber, own.latest);
      else if (!own.running) tick(key, own);
      return () => {
        if (!own.subscribers.delete(subscriber) || own.subscribers.size > 0) return;
        clearTimeout(own.timer);
        // A computation under way keeps the topic until it ends, so a page reopened meanwhile waits for it rather than starting another.
        if (!own.running && topics.get(key) === own) topics.delete(key);
      };
    },
    close() {
      closed = true;
      for (const topic of topics.values()) clearTimeout(topic.timer);
      topics.clear();
    },
  };
}

/** Open streams per client address and in all, so no client (nor all of them) can hold the studio's connections without bound. */
export class StreamSlots {
  private readonly perClient = new Map<string, number>();
  private total = 0;

  constructor(
    readonly maxPerClient: number,
    readonly maxTotal: number,
  ) {}

  /** Takes a slot, or says why not (`open`: that client's streams, or all of them, open now). */
  take(client: string): { ok: true; release: () => void } | { ok: false; reason: 'client' | 'total'; open: number } {
    const mine = this.perClient.get(client) ?? 0;
    if (mine >= this.maxPerClient) return { ok: false, reason: 'client', open: mine };
    if (this.total >= this.maxTotal) return { ok: false, reason: 'total', open: this.total };
    this.perClient.set(client, mine + 1);
    this.total++;
    let released = false;
    const release = () => {
      // Idempotent: both the request's and the response's close events call it.
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left > 0) this.perClient.set(client, left);
      else this.perClient.delete(client);
    };
    return { ok: true, release };
  }
}
