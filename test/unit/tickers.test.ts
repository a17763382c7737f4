import { describe, expect, it } from 'vitest';
import { TickerIndex, toPrice } from '../../src/providers/tickers.js';

describe('toPrice: the adapter boundary', () => {
  it.each([
    ['46707.03000000', '46707.03000000'],
    [' 1.5 ', '1.5'],
    ['+2', '2'],
    ['1e-5', '1e-5'],
    [0.15, '0.15'],
    [65000, '65000'],
  ])('accepts %j as %j', (input, out) => expect(toPrice(input)).toBe(out));

  it.each([
    ['$1020.25', 'not a decimal'],
    ['1,020.25', 'not a decimal'],
    ['abc', 'not a decimal'],
    ['NaN', 'not a decimal'],
    ['Infinity', 'not a decimal'],
    ['', 'not a decimal'],
    [Number.NaN, 'not finite'],
    [Number.POSITIVE_INFINITY, 'not finite'],
    ['0', 'not positive'],
    [0, 'not positive'],
    ['-5', 'not positive'],
    ['1e400', 'out of range'],
    ['1e300', 'plausible range'],
    [1e16, 'plausible range'],
    ['1e-20', 'plausible range'],
    [null, 'type null'],
    [true, 'type boolean'],
    [{ p: 1 }, 'type object'],
  ])('rejects %j (%s)', (input, message) => {
    const r = toPrice(input);
    expect(r).toBeInstanceOf(Error);
    expect((r as Error).message).toContain(message);
  });
});

describe('TickerIndex: three spellings', () => {
  const idx = new TickerIndex([{ offChainTicker: 'BtcUsdt', metadataJSON: '' }, { offChainTicker: 'ETH-USD', metadataJSON: '{"a":1}' }]);
  it('matches the configured, lower-case and upper-case spellings only', () => {
    expect(idx.lookup('BtcUsdt')?.offChainTicker).toBe('BtcUsdt');
    expect(idx.lookup('btcusdt')?.offChainTicker).toBe('BtcUsdt');
    expect(idx.lookup('BTCUSDT')?.offChainTicker).toBe('BtcUsdt');
    expect(idx.lookup('bTcUsDt')).toBeUndefined();
    expect(idx.lookup('eth-usd')?.metadataJSON).toBe('{"a":1}');
    expect(idx.lookup('SOL-USD')).toBeUndefined();
  });
});
