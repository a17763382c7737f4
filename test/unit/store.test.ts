import { describe, expect, it } from 'vitest';
import { QuoteStore } from '../../src/oracle/store.js';

describe('QuoteStore', () => {
  it('holds the latest price per (provider, ticker) with its time, number and plainness', () => {
    const s = new QuoteStore();
    s.update('p', 'BTC-USD', '70000.5', 1000);
    s.update('p', 'ETH-USD', '1e3', 1000);
    expect(s.get('p', 'BTC-USD')).toMatchObject({ price: '70000.5', at: 1000, value: 70000.5, plain: true });
    expect(s.get('p', 'ETH-USD')).toMatchObject({ price: '1e3', value: 1000, plain: false });
    expect(s.get('p', 'SOL-USD')).toBeUndefined();
    expect(s.get('q', 'BTC-USD')).toBeUndefined();
  });

  it('ignores a result older than the one held, and a heartbeat for a ticker without a price', () => {
    const s = new QuoteStore();
    s.update('p', 'A', null, 1000);
    expect(s.get('p', 'A')).toBeUndefined();
    s.update('p', 'A', '2', 2000);
    s.update('p', 'A', '1', 1500);
    expect(s.get('p', 'A')).toMatchObject({ price: '2', at: 2000 });
  });

  it('a heartbeat or the same price refreshes the time without counting as a new price', () => {
    const s = new QuoteStore();
    const slot = s.slot('p', 'A');
    expect(slot.held).toBe(false);
    s.update('p', 'A', '2', 1000);
    const v = slot.version;
    s.update('p', 'A', null, 2000);
    s.update('p', 'A', '2', 3000);
    expect(slot).toMatchObject({ held: true, price: '2', at: 3000, version: v });
    s.update('p', 'A', '2.5', 4000);
    expect(slot).toMatchObject({ price: '2.5', at: 4000, value: 2.5, version: v + 1 });
  });

  it('a slot handed out stays the live one: later prices land in it, retain empties it in place', () => {
    const s = new QuoteStore();
    const slot = s.slot('p', 'A');
    s.update('p', 'A', '3', 1000);
    s.update('p', 'B', '4', 1000);
    expect(s.get('p', 'A')).toBe(slot);
    s.retain('p', new Set(['B']));
    expect(s.get('p', 'A')).toBeUndefined();
    expect(s.get('p', 'B')?.price).toBe('4');
    expect(slot.held).toBe(false);
    const dropped = slot.version;
    // The same price as before the drop is a change again, and an older time is accepted.
    s.update('p', 'A', '3', 500);
    expect(slot).toMatchObject({ held: true, price: '3', at: 500 });
    expect(slot.version).toBeGreaterThan(dropped);
    expect(s.slot('p', 'A')).toBe(slot);
  });
});
