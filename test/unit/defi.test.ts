import { describe, expect, it } from 'vitest';
import { BlockAge, pickHighest, type HeightAnswer } from '../../src/providers/defi.js';

describe('BlockAge (maxBlockHeightAge)', () => {
  it('accepts a rising height at once and a repeated one only while the last rise is recent', () => {
    let now = 1_000;
    const age = new BlockAge(30_000, () => now);
    expect(age.check(100n)).toBeUndefined();
    now += 30_000;
    expect(age.check(100n)).toBeUndefined();
    now += 1;
    expect(age.check(100n)?.message).toBe('height 100 is stale and older than 30000 ms');
    expect(age.check(101n)).toBeUndefined();
  });

  it('accepts a lower (lagging) height while the best is fresh, as connect does', () => {
    let now = 0;
    const age = new BlockAge(1_000, () => now);
    expect(age.check(500n)).toBeUndefined();
    now = 900;
    expect(age.check(480n)).toBeUndefined();
    now = 1_001;
    expect(age.check(480n)).toBeInstanceOf(Error);
  });

  it('never accepts height 0, even right after start (connect did)', () => {
    const age = new BlockAge(30_000, () => 0);
    expect(age.check(0n)).toBeInstanceOf(Error);
  });

  it('with maxBlockHeightAge 0 only a strictly rising height passes', () => {
    const age = new BlockAge(0, () => 5);
    expect(age.check(7n)).toBeUndefined();
    expect(age.check(7n)).toBeUndefined();
    const later = new BlockAge(0, (() => { let t = 0; return () => (t += 1); })());
    expect(later.check(7n)).toBeUndefined();
    expect(later.check(7n)).toBeInstanceOf(Error);
    expect(later.check(8n)).toBeUndefined();
  });
});

describe('pickHighest', () => {
  const a = (index: number, height: bigint): HeightAnswer<string> => ({ index, height, value: `v${index}` });

  it('takes the strictly highest height, ties to the lower index', () => {
    expect(pickHighest([a(0, 5n), a(1, 9n), a(2, 9n)])).toEqual(a(1, 9n));
    expect(pickHighest([new Error('down'), a(1, 3n)])).toEqual(a(1, 3n));
  });

  it('joins every failure when no endpoint reports a height above 0', () => {
    const r = pickHighest([new Error('timed out'), a(1, 0n), new Error('HTTP 500')]);
    expect(r).toBeInstanceOf(Error);
    expect((r as Error).message).toBe('endpoint 0: timed out; endpoint 2: HTTP 500');
    expect((pickHighest([a(0, 0n)]) as Error).message).toBe('no endpoint reported a height');
  });
});
