/**
 * A set of 31-bit non-negative integers in one Int32Array (open addressing, linear probing): the
 * seen log keeps a hash per key in its retention, a million or more. In a Set they are part of
 * the JavaScript heap that every major garbage collection marks; here they are one buffer outside
 * it, at 4–8 bytes each instead of ~16 and more.
 */
export class IntSet {
  private slots = emptySlots();
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(value: number): boolean {
    return this.slots[slotFor(this.slots, value)] === value;
  }

  add(value: number): void {
    if (value < 0 || value > 0x7fffffff || !Number.isInteger(value)) throw new RangeError(`IntSet holds 31-bit integers, not ${value}`);
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const at = slotFor(this.slots, value);
    if (this.slots[at] === value) return;
    this.slots[at] = value;
    this.count++;
  }

  clear(): void {
    this.slots = emptySlots();
    this.count = 0;
  }

  private grow(): void {
    const larger = emptySlots(this.slots.length * 2);
    for (const value of this.slots) if (value !== EMPTY) larger[slotFor(larger, value)] = value;
    this.slots = larger;
  }
}

/** No value is negative, so -1 marks a free slot. */
const EMPTY = -1;

const emptySlots = (count = 16): Int32Array => new Int32Array(count).fill(EMPTY);

/** Where `value` is in `slots`, or the free slot where it goes: linear probing from its home slot. */
function slotFor(slots: Int32Array, value: number): number {
  const mask = slots.length - 1;
  let i = mix(value) & mask;
  while (slots[i] !== value && slots[i] !== EMPTY) i = (i + 1) & mask;
  return i;
}

/** Spreads the low bits, which neighbouring slots share: values that differ only high up still land apart. */
const mix = (value: number): number => Math.imul(value ^ (value >>> 16), 0x45d9f3b);
