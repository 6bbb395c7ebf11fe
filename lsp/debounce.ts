/**
 * Runs a job per key once its key has been quiet for a while: each keystroke of a document moves
 * its check back, so a burst of typing is checked once, after the last key.
 */
export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly run: (key: string) => void) {}

  /** Runs the key's job after `delayMs` of quiet (0: on the next turn of the event loop). */
  schedule(key: string, delayMs: number): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.run(key);
      }, delayMs),
    );
  }

  cancel(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }
}
