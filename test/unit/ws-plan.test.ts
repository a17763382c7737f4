import { describe, expect, it } from 'vitest';
import type { ProviderTicker } from '../../src/providers/types.js';
import { plan } from '../../src/providers/ws-stream.js';

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
