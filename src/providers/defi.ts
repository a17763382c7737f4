/**
 * Shared pieces of the DeFi providers (connect providers/apis/defi): the block-age check of
 * `maxBlockHeightAge` and the choice of the answer with the highest block among endpoints.
 */

/**
 * connect's block-age checker (providers/apis/defi/types/block_age.go), one per provider: a
 * height strictly above the highest seen is fresh and raises it; any other height is fresh
 * only while the highest was raised at most `maxAgeMs` ago. Unlike connect, height 0 is never
 * fresh (connect accepted an empty answer then).
 */
export class BlockAge {
  private height = 0n;
  private raisedAt: number;

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.raisedAt = now();
  }

  check(height: bigint): Error | undefined {
    const now = this.now();
    if (height > this.height) {
      this.height = height;
      this.raisedAt = now;
      return undefined;
    }
    if (height > 0n && now - this.raisedAt <= this.maxAgeMs) return undefined;
    return new Error(`height ${height} is stale and older than ${this.maxAgeMs} ms`);
  }
}

/** One endpoint's usable answer and the block height it reported. */
export interface HeightAnswer<T> {
  readonly index: number;
  readonly height: bigint;
  readonly value: T;
}

/**
 * The answer with the strictly highest height (ties: the lower endpoint index), or an Error
 * joining every endpoint's failure when none answered with a height above 0.
 */
export function pickHighest<T>(answers: ReadonlyArray<HeightAnswer<T> | Error>): HeightAnswer<T> | Error {
  let best: HeightAnswer<T> | undefined;
  const errors: string[] = [];
  for (const [i, a] of answers.entries()) {
    if (a instanceof Error) errors.push(`endpoint ${i}: ${a.message}`);
    else if (a.height > 0n && (best === undefined || a.height > best.height)) best = a;
  }
  if (best) return best;
  return new Error(errors.length > 0 ? errors.join('; ') : 'no endpoint reported a height');
}
