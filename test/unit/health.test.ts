import { describe, expect, it } from 'vitest';
import { EMPTY_SNAPSHOT, type Snapshot } from '../../src/oracle/aggregator.js';
import { liveness, readiness } from '../../src/server/health.js';

const T0 = 1_700_000_000_000;
const snap = (at: number | null, prices: Record<string, string>, missing: string[] = []): Snapshot => ({
  prices,
  timestamp: at === null ? null : new Date(at),
  missing,
});

describe('health', () => {
  it('is alive within 3 update intervals of start-up before the first tick', () => {
    const s = { startedAt: T0, updateIntervalMs: 250, snapshot: EMPTY_SNAPSHOT };
    expect(liveness(s, T0 + 750).status).toBe('ok');
    expect(liveness(s, T0 + 751).status).toBe('unavailable');
    expect(readiness(s, T0 + 100)).toMatchObject({ status: 'unavailable', reason: 'no tick yet' });
  });

  it('is alive while ticks keep coming and dead once they stop', () => {
    const s = { startedAt: T0, updateIntervalMs: 250, snapshot: snap(T0 + 10_000, { 'BTC/USD': '1' }) };
    expect(liveness(s, T0 + 10_700)).toMatchObject({ status: 'ok', last_tick: new Date(T0 + 10_000).toISOString() });
    const dead = liveness(s, T0 + 10_800);
    expect(dead.status).toBe('unavailable');
    expect(dead.reason).toContain('more than 750 ms');
    expect(readiness(s, T0 + 10_800).status).toBe('unavailable');
  });

  it('is ready when the last tick served a price, and lists the missing markets', () => {
    const s = { startedAt: T0, updateIntervalMs: 250, snapshot: snap(T0, { 'BTC/USD': '1' }, ['ETH/USD']) };
    expect(readiness(s, T0 + 10)).toMatchObject({ status: 'ok', markets_served: 1, markets_missing: ['ETH/USD'], reason: 'last tick served 1 of 2 markets' });
  });

  it('lists the markets that can never be served apart, without changing the status', () => {
    const s = { startedAt: T0, updateIntervalMs: 250, snapshot: snap(T0, { 'BTC/USD': '1' }, ['RAY/USD']), unsupported: ['RAY/USD'] };
    expect(readiness(s, T0 + 10)).toMatchObject({ status: 'ok', markets_missing: ['RAY/USD'], markets_unsupported: ['RAY/USD'] });
    expect(readiness({ ...s, unsupported: undefined }, T0 + 10).markets_unsupported).toEqual([]);
  });

  it('is not ready when the last tick served nothing', () => {
    const s = { startedAt: T0, updateIntervalMs: 250, snapshot: snap(T0, {}, ['BTC/USD', 'ETH/USD']) };
    expect(liveness(s, T0 + 10).status).toBe('ok');
    expect(readiness(s, T0 + 10)).toMatchObject({ status: 'unavailable', markets_served: 0, markets_missing: ['BTC/USD', 'ETH/USD'] });
  });
});
