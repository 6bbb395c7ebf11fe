/**
 * A set of 31-bit non-negative integers in one Int32Array (open addressing, linear probing): the
 * seen log keeps a hash per key in its retention, a million or more. In a Set they are part of
 * the JavaScript heap that every major garbage collection marks; here they are one buffer outside
 * it, at 4–8 bytes each instead of ~16 and more.
 */
export class IntSet {
  private slots = new Int32Array(16).fill(EMPTY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(value: number): boolean {
    const mask = this.slots.length - 1;
    for (let i = mix(value) & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === value) return true;
      if (slot === EMPTY) return false;
    }
  }

  add(value: number): void {
    if (value < 0 || value > 0x7fffffff || !Number.isInteger(value)) throw new RangeError(`IntSet holds 31-bit integers, not ${value}`);
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    if (this.place(this.slots, value)) this.count++;
  }

  clear(): void {
    this.slots = new Int32Array(16).fill(EMPTY);
    this.count = 0;
  }

  /** Puts `value` in its slot of `slots`; false when it was there already. */
  private place(slots: Int32Array, value: number): boolean {
    const mask = slots.length - 1;
    for (let i = mix(value) & mask; ; i = (i + 1) & mask) {
      if (slots[i] === value) return false;
      if (slots[i] === EMPTY) {
        slots[i] = value;
        return true;
      }
    }
  }

  private grow(): void {
    const larger = new Int32Array(this.slots.length * 2).fill(EMPTY);
    for (const value of this.slots) if (value !== EMPTY) this.place(larger, value);
    this.slots = larger;
  }
}

/** No value is negative, so -1 marks a free slot. */
const EMPTY = -1;

/** Spreads the low bits, which neighbouring slots share: values that differ only high up still land apart. */
const mix = (value: number): number => Math.imul(value ^ (value >>> 16), 0x45d9f3b);
