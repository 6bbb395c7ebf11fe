import { describe, expect, it } from 'vitest';
import { IntSet } from '../../store/int-set.ts';

describe('the seen log’s hash set', () => {
  it('answers exactly as a Set does for 200,000 random 31-bit values, half of them added', () => {
    const set = new IntSet();
    const reference = new Set<number>();
    const values = Array.from({ length: 200_000 }, () => Math.floor(Math.random() * 0x80000000));
    for (const v of values.slice(0, 100_000)) {
      set.add(v);
      reference.add(v);
    }
    expect(set.size).toBe(reference.size);
    for (const v of values) expect(set.has(v)).toBe(reference.has(v));
  });

  it('holds the ends of the range, and values equal in their low bits, apart', () => {
    const set = new IntSet();
    const values = [0, 0x7fffffff, ...Array.from({ length: 1000 }, (_, i) => i << 16)];
    for (const v of values) set.add(v);
    set.add(0); // again: counted once
    expect(set.size).toBe(1001); // 0 is also 0 << 16
    for (const v of values) expect(set.has(v)).toBe(true);
    expect(set.has(1)).toBe(false);
    expect(set.has(0x7ffffffe)).toBe(false);
  });

  it('refuses what it cannot hold, and is empty after clear', () => {
    const set = new IntSet();
    expect(() => set.add(-1)).toThrow(RangeError);
    expect(() => set.add(2 ** 31)).toThrow(RangeError);
    expect(() => set.add(1.5)).toThrow(RangeError);
    set.add(7);
    set.clear();
    expect(set.size).toBe(0);
    expect(set.has(7)).toBe(false);
  });
});
