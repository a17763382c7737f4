/**
 * SeriesFamily renders what prom-client would for the same values, and the side-car's
 * registry produces the same exposition as prom-client's generic path for every family.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';
import { ProviderMetrics } from '../../src/metrics/provider.js';
import { TickMetrics } from '../../src/metrics/tick.js';
import { PriceAges } from '../../src/metrics/price-age.js';
import { HistogramFamily } from '../../src/metrics/histogram.js';
import { SidecarRegistry } from '../../src/metrics/registry.js';
import { SeriesFamily } from '../../src/metrics/series.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { providerTickers } from '../../src/providers/manager.js';
import { ProviderSink } from '../../src/providers/sink.js';
import { feed, market, marketMap } from '../helpers/market.js';
import { rng } from '../helpers/rng.js';
import { histogramCount } from '../helpers/metrics.js';

/** Sample lines as a sorted list of `name{sorted labels} value` (label order is not significant). */
function samples(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^([^{ ]+)(?:\{(.*)\})? (.+)$/.exec(l);
      if (!m) throw new Error(`unparsable line ${l}`);
      const labels = (m[2] ?? '').match(/\w+="(?:[^"\\]|\\.)*"/g) ?? [];
      return `${m[1]}{${labels.sort().join(',')}} ${m[3]}`;
    })
    .sort();
}

const TRICKY = 'a "quoted" back\\slash\nnewline';

describe('SeriesFamily', () => {
  it('renders the same text as a prom-client gauge and counter with the same writes', async () => {
    const ours = new SidecarRegistry();
    const theirs = new Registry();
    const g = new SeriesFamily({ name: 'x_gauge', help: 'Help with \\ and\nnewline.', type: 'gauge', labelNames: ['provider', 'id'] as const, registers: [ours] });
    const c = new SeriesFamily({ name: 'x_total', help: 'A counter.', type: 'counter', labelNames: ['id'] as const, registers: [ours] });
    const pg = new Gauge({ name: 'x_gauge', help: 'Help with \\ and\nnewline.', labelNames: ['provider', 'id'] as const, registers: [theirs] });
    const pc = new Counter({ name: 'x_total', help: 'A counter.', labelNames: ['id'] as const, registers: [theirs] });
    const writes: Array<[string, string, number]> = [
      ['okx_ws', 'btc/usd', 70000.5],
      ['okx_ws', TRICKY, -1e-9],
      ['kraken_api', 'eth/usd', 1e21],
      ['okx_ws', 'btc/usd', Infinity],
      // Integers are written digit by digit: zero, -0, negative, the largest safe ones, past them.
      ['int', '0', 0],
      ['int', '-0', -0],
      ['int', 'neg', -1_700_000_000],
      ['int', 'ten', 10],
      ['int', 'max', Number.MAX_SAFE_INTEGER],
      ['int', 'min', Number.MIN_SAFE_INTEGER],
      ['int', 'past', 2 ** 53],
    ];
    for (const [provider, id, v] of writes) {
      g.set({ provider, id }, v);
      pg.set({ provider, id }, v);
      c.inc({ id });
      pc.inc({ id });
    }
    c.child({ id: 'held' }).inc(2.5);
    pc.inc({ id: 'held' }, 2.5);
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('x_gauge{provider="okx_ws",id="a \\"quoted\\" back\\\\slash\\nnewline"} -1e-9');
    expect(text).toContain('x_gauge{provider="okx_ws",id="btc/usd"} +Inf');
    expect(text).toContain('x_gauge{provider="int",id="max"} 9007199254740991');
    expect(text).toContain('x_gauge{provider="int",id="-0"} 0');
    // prom-client writes NaN as "Nan"; Prometheus's own spelling is "NaN".
    g.set({ provider: 'int', id: 'nan' }, NaN);
    expect(await ours.metrics()).toContain('x_gauge{provider="int",id="nan"} NaN');
  });

  it('encodes non-ASCII labels as UTF-8 and grows its buffer past the previous size', async () => {
    const ours = new SidecarRegistry();
    const theirs = new Registry();
    const g = new SeriesFamily({ name: 'u', help: 'Ünïcode help ✓', type: 'gauge', labelNames: ['id'] as const, registers: [ours] });
    const pg = new Gauge({ name: 'u', help: 'Ünïcode help ✓', labelNames: ['id'] as const, registers: [theirs] });
    g.set({ id: 'δ/usd' }, 0.5);
    pg.set({ id: 'δ/usd' }, 0.5);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    for (let i = 0; i < 20_000; i++) {
      g.set({ id: `market-${i}/usd` }, i / 7);
      pg.set({ id: `market-${i}/usd` }, i / 7);
    }
    const bytes = await ours.metricsBuffer();
    expect(bytes.length).toBeGreaterThan(512 * 1024);
    expect(bytes.toString('utf8')).toBe(await theirs.metrics());
  });

  it('shows a series only once written, and hides it again on clear or reset while the handle stays valid', async () => {
    const r = new SidecarRegistry();
    const g = new SeriesFamily({ name: 'y', help: 'y', type: 'gauge', labelNames: ['id'] as const, registers: [r] });
    const held = g.child({ id: 'a' });
    expect(await r.metrics()).toBe('# HELP y y\n# TYPE y gauge\n');
    held.set(3);
    expect(samples(await r.metrics())).toEqual(['y{id="a"} 3']);
    held.clear();
    expect(samples(await r.metrics())).toEqual([]);
    held.set(4);
    g.set({ id: 'b' }, 5);
    g.reset();
    expect((await g.get()).values).toEqual([]);
    held.set(6);
    expect(g.child({ id: 'a' })).toBe(held);
    expect((await g.get()).values).toEqual([{ labels: { id: 'a' }, value: 6 }]);
  });

  it('writes by index exactly as through the handle of the same labels', async () => {
    const r = new SidecarRegistry();
    const g = new SeriesFamily({ name: 'w', help: 'w', type: 'counter', labelNames: ['id'] as const, registers: [r] });
    const i = g.indexOf({ id: 'a' });
    const held = g.child({ id: 'a' });
    expect(g.indexOf({ id: 'a' })).toBe(i);
    expect(g.indexOf({ id: 'b' })).not.toBe(i);
    g.incAt(i);
    held.inc(2);
    g.incAt(i, 4);
    expect(held.value).toBe(7);
    g.setTextAt(g.indexOf({ id: 'b' }), 0.5, '0.50');
    expect(samples(await r.metrics())).toEqual(['w{id="a"} 7', 'w{id="b"} 0.50']);
    g.clearAt(i);
    g.setAt(g.indexOf({ id: 'b' }), 2);
    expect(samples(await r.metrics())).toEqual(['w{id="b"} 2']);
  });

  it('applies writes held on handles in order with direct writes, before every read', async () => {
    // A model applies every write at once; the family must read the same after any mix of
    // handle writes (held until a read), index writes, retire and reset.
    const r = new SidecarRegistry();
    const g = new SeriesFamily({ name: 'm', help: 'm', type: 'gauge', labelNames: ['id'] as const, registers: [r] });
    const ids = ['a', 'b', 'c', 'd'];
    const handles = ids.map((id) => g.child({ id }));
    const model = new Map<string, { value: number; text?: string }>();
    const expected = () => ids.filter((id) => model.has(id)).map((id) => `m{id="${id}"} ${model.get(id)?.text ?? String(model.get(id)?.value)}`);
    const next = rng(17);
    for (let step = 0; step < 4000; step++) {
      const k = Math.floor(next() * ids.length);
      const id = ids[k] as string;
      const h = handles[k] as (typeof handles)[number];
      const v = Math.floor(next() * 100);
      const op = Math.floor(next() * 12);
      if (op === 0) {
        h.inc(v);
        model.set(id, { value: (model.get(id)?.value ?? 0) + v });
      } else if (op === 1) {
        h.set(v);
        model.set(id, { value: v });
      } else if (op === 2) {
        h.setText(v, `${v}.0`);
        model.set(id, { value: v, text: `${v}.0` });
      } else if (op === 3) {
        h.clear();
        model.delete(id);
      } else if (op === 4) {
        g.incAt(h.index, v);
        model.set(id, { value: (model.get(id)?.value ?? 0) + v });
      } else if (op === 5) {
        g.setAt(h.index, v);
        model.set(id, { value: v });
      } else if (op === 6) {
        g.clearAt(h.index);
        model.delete(id);
      } else if (op === 7 && next() < 0.1) {
        g.reset();
        model.clear();
      } else if (op === 8 && next() < 0.2) {
        expect(g.retire((labels) => labels.id === id)).toBe(model.has(id) ? 1 : 0);
        model.delete(id);
      } else if (op === 9) {
        // Each getter on its own applies what the handles hold.
        if (model.has(id) && next() < 0.5) expect(h.value).toBe(model.get(id)?.value);
        else expect(h.written).toBe(model.has(id));
      } else if (op === 10 && next() < 0.1) {
        expect(samples(await r.metrics())).toEqual(expected().sort());
      } else if (op === 11 && next() < 0.1) {
        expect((await g.get()).values).toEqual(ids.filter((x) => model.has(x)).map((x) => ({ labels: { id: x }, value: model.get(x)?.value })));
      }
    }
    expect(samples(await r.metrics())).toEqual(expected().sort());
  });

  it('names the family and the label when a label is missing', () => {
    const g = new SeriesFamily({ name: 'z', help: 'z', type: 'gauge', labelNames: ['provider', 'id'] as const });
    expect(() => g.child({ provider: 'x' } as never)).toThrow('metric z: label "id" is missing');
  });
});

describe('HistogramFamily', () => {
  it('renders and reads like a prom-client histogram with the same observations', async () => {
    const ours = new SidecarRegistry();
    const theirs = new Registry();
    const opts = { name: 'h_ms', help: 'A histogram.', labelNames: ['provider'] as const, buckets: [50, 100, 250, 500, 1000, 2000] };
    const h = new HistogramFamily({ ...opts, registers: [ours] });
    const ph = new Histogram({ ...opts, registers: [theirs] });
    const held = h.child({ provider: 'okx_ws' });
    h.child({ provider: 'never_observed' });
    for (const [provider, v] of [['okx_ws', 3], ['okx_ws', 50], ['okx_ws', 51], ['okx_ws', 2500], ['kraken_api', 999.5], ['okx_ws', 0]] as const) {
      if (provider === 'okx_ws') held.observe(v);
      else h.observe({ provider }, v);
      ph.observe({ provider }, v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await histogramCount(ours, 'h_ms', { provider: 'okx_ws' })).toBe(5);
    expect(await histogramCount(ours, 'h_ms', { provider: 'never_observed' })).toBe(0);
    expect((await h.get()).values).toEqual((await ph.get()).values.map(({ labels, value, metricName }) => ({ labels, value, metricName })));
    h.reset();
    held.observe(10);
    expect(await histogramCount(ours, 'h_ms', {})).toBe(1);
  });
});

describe('the side-car registry', () => {
  it('renders every metric of the side-car exactly as prom-client does', async () => {
    const registry = new SidecarRegistry();
    const m = createMetrics(registry, false);
    const store = new QuoteStore();
    const sink = new ProviderSink(store, new ProviderMetrics(m, 'okx_ws', 'websockets'));
    sink.deliver({ resolved: [{ ticker: 'BTC-USDT', price: '70000' }], unresolved: [{ ticker: 'ETH-USDT', code: 3, reason: 'no price' }] }, 1_700_000_000_000);
    m.apiHttpStatus.inc({ provider: 'kraken_api', status_code: '2XX', status_code_exact: '200' });
    m.apiLatency.observe({ provider: 'kraken_api', endpoint: 'https://api.kraken.com' }, 120);
    m.marketPriceServed.set({ id: 'btc/usd' }, 1);
    m.providerPrice.set({ provider: 'okx_ws', id: 'btc/usd', decimals: '8' }, 70000);
    const ages = new PriceAges(m.priceAge, store, 1_699_999_990_000);
    ages.setFeeds(providerTickers(marketMap(market('BTC/USD', 8, 1, [feed('okx_ws', 'BTC-USDT'), feed('kraken_api', 'XBTUSDT')]))));
    m.setPriceAgeWriter(() => ages.write(1_700_000_002_000));
    // prom-client's own rendering of the very same metric objects.
    const generic = await Registry.prototype.metrics.call(registry);
    const ours = await registry.metrics();
    expect(ours).toBe(generic);
    expect(samples(ours)).toEqual(expect.arrayContaining([
      'side_car_provider_price_age_seconds{id="btc-usdt",provider="okx_ws"} 2',
      'side_car_provider_price_age_seconds{id="xbtusdt",provider="kraken_api"} 12',
      'side_car_provider_status_responses_per_id{code="0",id="btc-usdt",provider="okx_ws",status="success",type="websockets"} 1',
      'side_car_provider_last_updated_id{id="btc-usdt",provider="okx_ws",type="websockets"} 1700000000',
    ]));
  });

  it('drops the price age of a feed that left the market map', async () => {
    const registry = new SidecarRegistry();
    const m = createMetrics(registry, false);
    const ages = new PriceAges(m.priceAge, new QuoteStore(), 0);
    m.setPriceAgeWriter(() => ages.write(5000));
    ages.setFeeds(providerTickers(marketMap(market('BTC/USD', 8, 1, [feed('okx_ws', 'BTC-USDT'), feed('kraken_api', 'XBTUSDT')]))));
    expect(samples(await registry.metrics()).filter((l) => l.startsWith('side_car_provider_price_age'))).toHaveLength(2);
    ages.setFeeds(providerTickers(marketMap(market('BTC/USD', 8, 1, [feed('kraken_api', 'XBTUSDT')]))));
    expect(samples(await registry.metrics()).filter((l) => l.startsWith('side_car_provider_price_age'))).toEqual([
      'side_car_provider_price_age_seconds{id="xbtusdt",provider="kraken_api"} 5',
    ]);
  });
});

describe('exposition texts', () => {
  it('writes integers and whole thousandths digit by digit, exactly as prom-client formats them', async () => {
    const r = rng(11);
    const values = [0, -0, 1, -1, 9, 10, 0.001, 0.01, 0.1, 0.5, 12.045, 7, -3.25, 2 ** 33 - 0.001, 2 ** 33, 1_700_000_000.123, 1e-7, 0.0005, 1 / 3, 1e21, Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < 3000; i++) {
      const roll = r();
      const ms = Math.floor(r() * 10 ** Math.floor(r() * 14)) * (r() < 0.1 ? -1 : 1);
      values.push(roll < 0.6 ? ms / 1000 : roll < 0.8 ? ms : ms / 997);
    }
    const ours = new SidecarRegistry();
    const theirs = new Registry();
    const g = new SeriesFamily({ name: 'v', help: 'v', type: 'gauge', labelNames: ['i'] as const, registers: [ours] });
    const pg = new Gauge({ name: 'v', help: 'v', labelNames: ['i'] as const, registers: [theirs] });
    values.forEach((v, i) => {
      g.set({ i: String(i) }, v);
      pg.set({ i: String(i) }, v);
    });
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('v{i="5"} 10\n');
    expect(text).toContain('v{i="10"} 12.045\n');
  });

  it('exposes a plain quote as the exchange wrote it and formats anything else', async () => {
    const { Aggregator } = await import('../../src/oracle/aggregator.js');
    const registry = new SidecarRegistry();
    const m = createMetrics(registry, false);
    const store = new QuoteStore();
    const map = marketMap(
      market('BTC/USD', 8, 1, [feed('okx_ws', 'BTC-USD'), feed('kraken_api', 'XBTUSD', { invert: true }), feed('gate_ws', 'BTC_USD')]),
    );
    store.update('okx_ws', 'BTC-USD', '70000.10', 1000);
    store.update('kraken_api', 'XBTUSD', '0.00001428571', 1000);
    store.update('gate_ws', 'BTC_USD', ' 70001', 1000); // Number() reads it; the exposition must not carry it
    new Aggregator(map, store, new TickMetrics(m), 120_000).tick(2000);
    const text = await registry.metrics();
    expect(text).toContain('side_car_provider_price{provider="okx_ws",id="btc/usd",decimals="8"} 70000.10\n');
    expect(text).toContain(`side_car_provider_price{provider="kraken_api",id="btc/usd",decimals="8"} ${1 / 0.00001428571}\n`);
    expect(text).toContain('side_car_provider_price{provider="gate_ws",id="btc/usd",decimals="8"} 70001\n');
    expect(await registry.metrics()).toBe(await Registry.prototype.metrics.call(registry).then((t) => t.replace('} 70000.1\n', '} 70000.10\n')));
  });
});
