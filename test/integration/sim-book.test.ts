import { describe, expect, it } from 'vitest';
import { ReceivedLog, corrupt, parseFault } from '../../src/sim/faults.js';
import { DEFAULT_USD, PriceBook } from '../../src/sim/price-book.js';
import { listPairs, renderDecimal, splitDashed, splitJoined } from '../../src/sim/symbols.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('PriceBook', () => {
  it('starts at the documented USD prices', () => {
    const book = new PriceBook();
    expect(book.snapshot()).toEqual(DEFAULT_USD);
    expect(book.usd('BTC')).toBe(65000);
    expect(book.usd('USD')).toBe(1);
    expect(book.usd('NOPE')).toBeUndefined();
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = new PriceBook({ seed: 42 });
    const b = new PriceBook({ seed: 42 });
    const c = new PriceBook({ seed: 43 });
    for (let i = 0; i < 50; i++) [a, b, c].forEach((book) => book.step());
    expect(a.snapshot()).toEqual(b.snapshot());
    expect(a.snapshot()['BTC']).not.toBe(c.snapshot()['BTC']);
    expect(a.snapshot()['BTC']).not.toBe(65000);
  });

  it('takes small steps and stays within its band', () => {
    const book = new PriceBook({ seed: 7 });
    let prev = book.usd('BTC') as number;
    for (let i = 0; i < 20_000; i++) {
      book.step();
      const now = book.usd('BTC') as number;
      expect(rel(now, prev)).toBeLessThanOrEqual(3e-4 + 1e-12);
      prev = now;
    }
    expect(rel(prev, 65000)).toBeLessThanOrEqual(0.05 + 1e-12);
    expect(rel(book.usd('USDT') as number, 1.0002)).toBeLessThanOrEqual(0.003 + 1e-12);
  });

  it('freeze stops the walk, set still applies and re-anchors', () => {
    const book = new PriceBook({ seed: 3 });
    book.freeze(true);
    const before = book.snapshot();
    for (let i = 0; i < 10; i++) book.step();
    expect(book.snapshot()).toEqual(before);
    book.set('BTC', 70000);
    expect(book.usd('BTC')).toBe(70000);
    book.freeze(false);
    book.step();
    expect(book.usd('BTC')).not.toBe(70000);
    expect(rel(book.usd('BTC') as number, 70000)).toBeLessThan(1e-3);
  });

  it('set rejects bad input and can add an asset', () => {
    const book = new PriceBook();
    expect(() => book.set('btc', 1)).toThrow(/asset/);
    expect(() => book.set('USD', 1)).toThrow(/asset/);
    expect(() => book.set('BTC', 0)).toThrow(/usd/);
    expect(() => book.set('BTC', Number.NaN)).toThrow(/usd/);
    book.set('NEW', 2);
    expect(book.has('NEW')).toBe(true);
    expect(book.price('x', 'NEW', 'USD')).toBe(2);
  });

  it('prices pairs as base_usd / quote_usd with the exchange offset', () => {
    const book = new PriceBook({ offsetsBps: { ex: 5 } });
    expect(book.price('other', 'BTC', 'USD')).toBe(65000);
    expect(rel(book.price('other', 'ETH', 'USDT') as number, 3400 / 1.0002)).toBeLessThan(1e-12);
    expect(rel(book.price('other', 'ETH', 'BTC') as number, 3400 / 65000)).toBeLessThan(1e-12);
    expect(rel(book.price('ex', 'BTC', 'USD') as number, 65000 * 1.0005)).toBeLessThan(1e-12);
    expect(book.price('ex', 'BTC', 'BTC')).toBeUndefined();
    expect(book.price('ex', 'NOPE', 'USD')).toBeUndefined();
  });

  it('freezeExchange pins one exchange while the rest moves', () => {
    const book = new PriceBook({ seed: 9 });
    book.freezeExchange('a', true);
    const pinned = book.price('a', 'BTC', 'USD');
    for (let i = 0; i < 10; i++) book.step();
    book.set('ETH', 5000);
    expect(book.price('a', 'BTC', 'USD')).toBe(pinned);
    expect(book.price('a', 'ETH', 'USD')).toBe(3400);
    expect(book.price('b', 'BTC', 'USD')).not.toBe(pinned);
    expect(book.isExchangeFrozen('a')).toBe(true);
    book.freezeExchange('a', false);
    expect(book.price('a', 'ETH', 'USD')).toBe(5000);
  });

  it('start/stop step on a timer', async () => {
    const book = new PriceBook({ stepMs: 5 });
    book.start();
    await new Promise((r) => setTimeout(r, 60));
    book.stop();
    const after = book.snapshot();
    expect(after['BTC']).not.toBe(65000);
    await new Promise((r) => setTimeout(r, 30));
    expect(book.snapshot()).toEqual(after);
  });
});

describe('symbols', () => {
  const known = (a: string): boolean => ['BTC', 'ETH', 'USDT', 'USDC', 'USD'].includes(a);

  it('splits joined and dashed symbols against the book', () => {
    expect(splitJoined('BTCUSDT', known)).toEqual({ base: 'BTC', quote: 'USDT' });
    expect(splitJoined('ETHBTC', known)).toEqual({ base: 'ETH', quote: 'BTC' });
    expect(splitJoined('USDTUSD', known)).toEqual({ base: 'USDT', quote: 'USD' });
    expect(splitJoined('FOOUSDT', known)).toBeUndefined();
    expect(splitJoined('btcusdt', known)).toBeUndefined();
    expect(splitDashed('BTC-USD', known)).toEqual({ base: 'BTC', quote: 'USD' });
    expect(splitDashed('BTC-EUR', known)).toBeUndefined();
    expect(splitDashed('BTC-BTC', known)).toBeUndefined();
    expect(splitDashed('BTCUSD', known)).toBeUndefined();
  });

  it('lists every base against every other quote', () => {
    const pairs = listPairs(['BTC', 'USDT']).map((p) => `${p.base}/${p.quote}`);
    expect(pairs).toEqual(['BTC/USDT', 'BTC/USDC', 'BTC/USD', 'USDT/USDC', 'USDT/USD', 'USDT/BTC']);
  });

  it('renders decimals with the documented rounding', () => {
    expect(renderDecimal(64000.12, 8, 8)).toBe('64000.12000000');
    expect(renderDecimal(64547.2, 8, 5)).toBe('64547.20000');
    expect(renderDecimal(65000, 8, 0)).toBe('65000');
    expect(renderDecimal(1020.25, 8, 2)).toBe('1020.25');
    expect(renderDecimal(123456789.7, 8, 0)).toBe('123456790');
    expect(renderDecimal(0.5 / 65000, 8, 8)).toBe('0.0000076923077');
    for (const x of [1.23456789e-9, 0.15, 3399.99999, 65001.23456, 987654321.123]) {
      const text = renderDecimal(x, 8, 2);
      expect(text).toMatch(/^\d+\.\d+$|^\d+$/);
      expect(rel(Number(text), x)).toBeLessThanOrEqual(5e-8);
    }
  });
});

describe('faults', () => {
  it('parses valid faults and names the bad field', () => {
    expect(parseFault({ mode: 'status', status: 503 })).toEqual({ ok: true, fault: { mode: 'status', status: 503 } });
    expect(parseFault({ mode: 'slow', delayMs: 10 })).toEqual({ ok: true, fault: { mode: 'slow', delayMs: 10 } });
    expect(parseFault({ mode: 'drop', extra: 1 })).toEqual({ ok: true, fault: { mode: 'drop' } });
    expect(parseFault('none')).toMatchObject({ ok: false, field: 'fault' });
    expect(parseFault({ mode: 'boom' })).toMatchObject({ ok: false, field: 'fault.mode' });
    expect(parseFault({ mode: 'status', status: 42 })).toMatchObject({ ok: false, field: 'fault.status' });
    expect(parseFault({ mode: 'slow' })).toMatchObject({ ok: false, field: 'fault.delayMs' });
  });

  it('corrupt never yields JSON', () => {
    for (const text of ['{"a":1}', '[{"symbol":"BTCUSDT","price":"1.0"}]', '{}']) {
      expect(() => JSON.parse(corrupt(text))).toThrow();
    }
  });

  it('ReceivedLog keeps the newest entries only', () => {
    const log = new ReceivedLog(3);
    for (let i = 0; i < 5; i++) log.add(`m${i}`, i);
    expect(log.list()).toEqual([
      { at: 2, text: 'm2' },
      { at: 3, text: 'm3' },
      { at: 4, text: 'm4' },
    ]);
  });
});
