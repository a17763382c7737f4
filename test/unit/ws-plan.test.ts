import { describe, expect, it } from 'vitest';
import type { ProviderTicker } from '../../src/providers/types.js';
import { DialPacer, plan } from '../../src/providers/ws-stream.js';

const t = (...names: string[]): ProviderTicker[] => names.map((n) => ({ offChainTicker: n, metadataJSON: '' }));
const names = (layout: ProviderTicker[][]) => layout.map((c) => c.map((x) => x.offChainTicker));

describe('WebSocket chunk layout across market-map changes', () => {
  it('chunks a fresh list by the per-connection limit', () => {
    expect(names(plan([], t('A', 'B', 'C', 'D', 'E'), 2))).toEqual([['A', 'B'], ['C', 'D'], ['E']]);
    expect(names(plan([], t('A', 'B', 'C'), Infinity))).toEqual([['A', 'B', 'C']]);
  });

  it('keeps tickers in their chunk, removes dropped ones and fills room with new ones', () => {
    const before = plan([], t('A', 'B', 'C', 'D', 'E'), 2);
    const after = plan(before, t('A', 'B', 'D', 'E', 'F', 'G'), 2);
    // Chunk [A,B] is untouched; C left, F filled its place; G joined the chunk with room.
    expect(names(after)).toEqual([['A', 'B'], ['D', 'F'], ['E', 'G']]);
  });

  it('empties a chunk whose tickers all left and adds chunks when every one is full', () => {
    const before = plan([], t('A', 'B', 'C', 'D'), 2);
    expect(names(plan(before, t('A', 'B'), 2))).toEqual([['A', 'B'], []]);
    expect(names(plan(before, t('A', 'B', 'C', 'D', 'E'), 2))).toEqual([['A', 'B'], ['C', 'D'], ['E']]);
  });
});

describe('DialPacer', () => {
  it('lets max dials through at once, then one more each time the window frees a slot', () => {
    const p = new DialPacer({ max: 2, windowMs: 1000 });
    expect([p.reserve(0), p.reserve(0), p.reserve(0), p.reserve(0), p.reserve(0)]).toEqual([0, 0, 1000, 1000, 2000]);
  });

  it('answers 0 once the window has passed, and never more than max in any window', () => {
    const p = new DialPacer({ max: 3, windowMs: 500 });
    const at: number[] = [];
    for (const now of [0, 10, 20, 30, 40, 700, 700, 701, 2000]) at.push(now + p.reserve(now));
    expect(at).toEqual([0, 10, 20, 500, 510, 700, 1000, 1010, 2000]);
    for (let i = 3; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 3] ?? 0)).toBeGreaterThanOrEqual(500);
  });

  it('never waits without a limit', () => {
    const p = new DialPacer(undefined);
    expect([p.reserve(5), p.reserve(5), p.reserve(5)]).toEqual([0, 0, 0]);
  });
});
