/**
 * Least squares for the memory benchmark: y = base + perMarket·markets + perFeed·feeds over the
 * measured map sizes, solved by the normal equations (3 × 3, Cramer's rule). With four points
 * and three unknowns one degree of freedom is left, so the residuals say how far the cost is
 * from linear in markets and feeds.
 */

export interface SizeSample {
  markets: number;
  feeds: number;
  y: number;
}

export interface LinearFit {
  base: number;
  perMarket: number;
  perFeed: number;
  /** y − fitted, per sample, in the samples' order. */
  residuals: number[];
}

const det3 = (m: number[][]): number => {
  const [a, b, c] = m as [number[], number[], number[]];
  const [a0, a1, a2] = a as [number, number, number];
  const [b0, b1, b2] = b as [number, number, number];
  const [c0, c1, c2] = c as [number, number, number];
  return a0 * (b1 * c2 - b2 * c1) - a1 * (b0 * c2 - b2 * c0) + a2 * (b0 * c1 - b1 * c0);
};

export function fitLinear(samples: readonly SizeSample[]): LinearFit {
  const rows = samples.map((s) => [1, s.markets, s.feeds]);
  // Normal equations XᵀX β = Xᵀy.
  const xtx = [0, 1, 2].map((i) => [0, 1, 2].map((j) => rows.reduce((s, r) => s + (r[i] as number) * (r[j] as number), 0)));
  const xty = [0, 1, 2].map((i) => rows.reduce((s, r, k) => s + (r[i] as number) * (samples[k] as SizeSample).y, 0));
  const d = det3(xtx);
  if (Math.abs(d) < 1e-9) throw new Error('map sizes do not separate markets from feeds');
  const solve = (col: number): number => det3(xtx.map((row, i) => row.map((v, j) => (j === col ? (xty[i] as number) : v)))) / d;
  const [base, perMarket, perFeed] = [solve(0), solve(1), solve(2)];
  return { base, perMarket, perFeed, residuals: samples.map((s) => s.y - (base + perMarket * s.markets + perFeed * s.feeds)) };
}

export const predict = (f: LinearFit, markets: number, feeds: number): number => f.base + f.perMarket * markets + f.perFeed * feeds;
