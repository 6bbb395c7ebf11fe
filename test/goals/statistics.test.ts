import { expect, it } from 'vitest';
import { differenceInterval, liftInterval, normalCdf, normalQuantile, twoProportionTest } from '../../goals/statistics.ts';

// Agresti, An Introduction to Categorical Data Analysis (2nd ed.), §2.2.2–2.2.4 and §2.4: the
// Physicians' Health Study. Myocardial infarction: placebo 189 of 11,034, aspirin 104 of 11,037.
const placebo = { x: 189, n: 11_034 };
const aspirin = { x: 104, n: 11_037 };
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

it("the difference of proportions and its 95% interval are the book's: 0.0077, (0.005, 0.011)", () => {
  const d = differenceInterval(placebo, aspirin, 0.95);
  if (!d.ok) throw new Error(d.why);
  expect(round(d.difference, 4)).toBe(0.0077);
  expect([round(d.low, 3), round(d.high, 3)]).toEqual([0.005, 0.011]);
});

it('the relative risk 1.82 with 95% interval (1.43, 2.30), as lift 0.82 (0.43, 1.30)', () => {
  const l = liftInterval(placebo, aspirin, 0.95);
  if (!l.ok) throw new Error(l.why);
  expect(round(l.lift + 1, 2)).toBe(1.82);
  // The book rounds the upper end down (2.3056 printed as 2.30): asserted to its precision.
  expect(round(l.low + 1, 2)).toBe(1.43);
  expect(Math.abs(l.high + 1 - 2.3)).toBeLessThan(0.01);
});

it("the two-proportion z-test: z² is Pearson's X² = 25.01 (to the table's rounding), p < 0.0001", () => {
  const t = twoProportionTest(placebo, aspirin);
  if (!t.ok) throw new Error(t.why);
  expect(Math.abs(t.z ** 2 - 25.01)).toBeLessThan(0.05);
  expect(t.p).toBeLessThan(0.0001);
  expect(t.p).toBeGreaterThan(0);
});

it('the normal distribution matches the tables: quantiles 1.6449, 1.9600, 2.5758 and back', () => {
  expect(round(normalQuantile(0.95), 4)).toBe(1.6449);
  expect(round(normalQuantile(0.975), 4)).toBe(1.96);
  expect(round(normalQuantile(0.995), 4)).toBe(2.5758);
  expect(round(normalQuantile(0.001), 4)).toBe(-3.0902);
  for (const p of [0.001, 0.05, 0.5, 0.8, 0.975]) expect(Math.abs(normalCdf(normalQuantile(p)) - p)).toBeLessThan(1e-7);
  expect(round(normalCdf(1), 4)).toBe(0.8413);
});

it('edge cases answer why instead of NaN: no runs, no conversions, everyone converted', () => {
  expect(twoProportionTest({ x: 0, n: 0 }, aspirin)).toEqual({ ok: false, why: 'a side has no runs' });
  expect(twoProportionTest({ x: 0, n: 10 }, { x: 0, n: 12 })).toMatchObject({ ok: false });
  expect(twoProportionTest({ x: 10, n: 10 }, { x: 12, n: 12 })).toMatchObject({ ok: false });
  expect(liftInterval({ x: 3, n: 10 }, { x: 0, n: 12 }, 0.95)).toEqual({ ok: false, why: 'no conversions in the control' });
  expect(differenceInterval({ x: 0, n: 10 }, { x: 0, n: 12 }, 0.95)).toMatchObject({ ok: true, difference: 0, low: 0, high: 0 });
});
