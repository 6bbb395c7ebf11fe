/**
 * The statistics behind "which branch wins": two proportions (conversions of runs) compared.
 * Checked against Agresti, An Introduction to Categorical Data Analysis (2nd ed.), §2.2
 * (Physicians' Health Study), in test/goals/statistics.test.ts.
 */

/**
 * The complementary error function, by the Chebyshev fit of Numerical Recipes' `erfcc`
 * (Press et al., 2nd ed., §6.2): fractional error below 1.2e-7 everywhere.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z ≤ z) for a standard normal Z. */
export const normalCdf = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);

/**
 * The z with P(Z ≤ z) = p, by Acklam's rational approximation (relative error below 1.2e-9),
 * e.g. 0.975 → 1.959964.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be strictly between 0 and 1, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Conversions of runs: `x` of `n`. */
export interface Proportion {
  x: number;
  n: number;
}

export interface Interval {
  low: number;
  high: number;
}

/** An answer, or why there is none (no runs, no conversions on one side…): never NaN or Infinity. */
export type Maybe<T> = ({ ok: true } & T) | { ok: false; why: string };

const rate = (p: Proportion): number => p.x / p.n;
const zFor = (confidence: number): number => normalQuantile(1 - (1 - confidence) / 2);

/**
 * The two-proportion z-test with the pooled standard error (equivalent to Pearson's chi-squared
 * on the 2×2 table: z² = X²); `p` is two-sided.
 */
export function twoProportionTest(a: Proportion, b: Proportion): Maybe<{ z: number; p: number }> {
  if (a.n === 0 || b.n === 0) return { ok: false, why: 'a side has no runs' };
  const pooled = (a.x + b.x) / (a.n + b.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  if (se === 0) return { ok: false, why: pooled === 0 ? 'no conversions on either side' : 'every run converted on both sides' };
  const z = (rate(a) - rate(b)) / se;
  return { ok: true, z, p: 2 * normalCdf(-Math.abs(z)) };
}

/** The Wald interval for the difference of proportions `a − b`, at `confidence` (e.g. 0.95). */
export function differenceInterval(a: Proportion, b: Proportion, confidence: number): Maybe<{ difference: number } & Interval> {
  if (a.n === 0 || b.n === 0) return { ok: false, why: 'a side has no runs' };
  const [pa, pb] = [rate(a), rate(b)];
  const se = Math.sqrt((pa * (1 - pa)) / a.n + (pb * (1 - pb)) / b.n);
  const half = zFor(confidence) * se;
  return { ok: true, difference: pa - pb, low: pa - pb - half, high: pa - pb + half };
}

/**
 * The relative lift of `variant` over `control` (rate ratio − 1) and its interval by the log
 * risk-ratio (Katz) method: exp(ln RR ± z·√((1−p₁)/x₁ + (1−p₂)/x₂)) − 1. Needs a conversion on
 * each side.
 */
export function liftInterval(variant: Proportion, control: Proportion, confidence: number): Maybe<{ lift: number } & Interval> {
  if (variant.n === 0 || control.n === 0) return { ok: false, why: 'a side has no runs' };
  if (variant.x === 0 || control.x === 0) return { ok: false, why: `no conversions in the ${variant.x === 0 ? 'variant' : 'control'}` };
  const ratio = rate(variant) / rate(control);
  const se = Math.sqrt((1 - rate(variant)) / variant.x + (1 - rate(control)) / control.x);
  const half = zFor(confidence) * se;
  return { ok: true, lift: ratio - 1, low: Math.exp(Math.log(ratio) - half) - 1, high: Math.exp(Math.log(ratio) + half) - 1 };
}
