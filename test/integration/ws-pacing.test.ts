/**
 * Every WebSocket provider's built-in pacing against its exchange's documented limits, as the
 * simulator declares and enforces them (src/exchanges/<name>/sim.ts `limits`):
 * - the plan: with the adapter's defaults, a dYdX-sized share of tickers keeps every topic
 *   count within its limit and every rate under 80 % of its limit (subscribe messages in any
 *   window, heartbeats counted where the exchange counts them; dials in any window), and is
 *   all sent within 3 s of the first dial;
 * - the wire: the real driver (WsStream) with those defaults, against the whole simulator with
 *   limits on, prices every one of those tickers within 5 s of its start and the simulator
 *   counts no violation.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCHANGES } from '../../src/exchanges/index.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { ProviderMetrics } from '../../src/metrics/provider.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { ProviderSink } from '../../src/providers/sink.js';
import type { WsExchange } from '../../src/providers/types.js';
import { DialPacer, WsStream, plan } from '../../src/providers/ws-stream.js';
import { SIM_EXCHANGES, startSimulator, type Simulator } from '../../src/sim/index.js';
import type { WsSimExchange } from '../../src/sim/types.js';
import { waitFor } from '../helpers/metrics.js';
import { silentLog } from '../helpers/silent-log.js';

/** Tickers per provider in the warm-up bench's dYdX-sized map (bench/warmup-maps.ts); kraken_ws
 *  and bitstamp_ws, which that map does not use, get a few hundred. */
const SHARE: Record<string, number> = {
  binance_ws: 344, bitfinex_ws: 36, bitstamp_ws: 200, bybit_ws: 357, coinbase_ws: 203, crypto_dot_com_ws: 93,
  gate_ws: 453, huobi_ws: 235, kraken_ws: 200, kucoin_ws: 356, mexc_ws: 441, okx_ws: 563,
};
const PLAN_MS = 3000;
const PRICED_MS = 5000;

const ws = EXCHANGES.flatMap((e) => (e.adapter.kind === 'ws' ? [{ name: e.name, adapter: e.adapter }] : []));
const simOf = (name: string): WsSimExchange => SIM_EXCHANGES.find((d) => d.name === name) as WsSimExchange;

it('covers every WebSocket exchange', () => {
  expect(ws.map((e) => e.name).sort()).toEqual(Object.keys(SHARE).sort());
});

describe('the plan of the built-in pacing', () => {
  /** Times (ms from the first dial) of `n` dials with the adapter's dial limit. */
  function dialTimes(exchange: WsExchange, n: number): number[] {
    const pacer = new DialPacer(exchange.dialLimit);
    return Array.from({ length: n }, () => pacer.reserve(0));
  }
  /** The most events of `times` inside any window of `windowMs` (sorted times). */
  function busiest(times: number[], windowMs: number): number {
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[i] ?? 0) - (times[j] ?? 0) >= windowMs) j++;
      most = Math.max(most, i - j + 1);
    }
    return most;
  }

  for (const { name, adapter } of ws) {
    it(`${name}: ${SHARE[name]} tickers within the documented limits, sent within ${PLAN_MS} ms`, () => {
      const exchange = adapter as WsExchange;
      const c = exchange.defaults.webSocket;
      const limits = simOf(name).limits;
      const tickers = Array.from({ length: SHARE[name] ?? 0 }, (_, i) => ({ offChainTicker: `C${i}USDT`, metadataJSON: '' }));
      const chunks = plan([], tickers, c.maxSubscriptionsPerConnection > 0 ? c.maxSubscriptionsPerConnection : Infinity);
      expect(chunks.flat()).toHaveLength(tickers.length);
      const dials = dialTimes(exchange, chunks.length);
      let lastMs = 0;
      for (const [i, chunk] of chunks.entries()) {
        const messages = exchange.session(chunk, Math.max(1, c.maxSubscriptionsPerBatch)).subscriptions();
        const start = (dials[i] ?? 0) + c.postConnectionTimeout;
        lastMs = Math.max(lastMs, start + (messages.length - 1) * c.writeInterval);
        if (!limits) continue;
        const topics = messages.map((m) => limits.topics(m));
        if (limits.topicsPerMessage !== undefined) expect(Math.max(...topics)).toBeLessThanOrEqual(limits.topicsPerMessage);
        if (limits.topicsPerConnection !== undefined) expect(topics.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(limits.topicsPerConnection);
        if (limits.messages) {
          const { max, windowMs, counts } = limits.messages;
          const sent = messages.map((m, k) => ({ at: k * c.writeInterval, text: m }));
          // Heartbeats every pingInterval from the end of the subscriptions, over one window.
          const beats = c.pingInterval > 0 ? exchange.session(chunk, 1).heartbeat() : [];
          for (let t = sent.length * c.writeInterval; c.pingInterval > 0 && t < sent.length * c.writeInterval + windowMs; t += c.pingInterval) {
            for (const b of beats) sent.push({ at: t, text: b });
          }
          const counted = sent.filter((m) => counts?.(m.text) ?? true).map((m) => m.at);
          expect(busiest(counted, windowMs)).toBeLessThanOrEqual(0.8 * max);
        }
      }
      if (limits?.connections) expect(busiest(dials, limits.connections.windowMs)).toBeLessThanOrEqual(0.8 * limits.connections.max);
      if (limits?.openConnections !== undefined) expect(chunks.length).toBeLessThanOrEqual(0.8 * limits.openConnections);
      expect(lastMs).toBeLessThanOrEqual(PLAN_MS);
    });
  }
});

describe('the built-in pacing on the wire, limits enforced', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, pushIntervalMs: 1000 });
    for (let i = 0; i < 620; i++) sim.book.set(`PC${i}`, 0.5 + i / 3);
  });
  afterAll(async () => {
    await sim?.close();
  });

  for (const { name, adapter } of ws) {
    it.concurrent(`${name}: ${SHARE[name]} tickers priced within ${PRICED_MS} ms, no violation`, async () => {
      const exchange = adapter as WsExchange;
      const def = simOf(name);
      const symbols = def.symbols(sim.book.assets()).filter((s) => /pc\d/i.test(s)).slice(0, SHARE[name]);
      expect(symbols).toHaveLength(SHARE[name] ?? 0);
      const metrics = new ProviderMetrics(createMetrics(new Registry(), false), name, 'websockets');
      const store = new QuoteStore();
      const override = sim.oracleOverride() as { providers: Record<string, { webSocket: { endpoints: Array<{ url: string }> }; api?: { endpoints: Array<{ url: string }> } }> };
      const o = override.providers[name];
      const endpoint = (url: string) => [{ url, authentication: { apiKey: '', apiKeyHeader: '' } }];
      const config = { ...exchange.defaults.webSocket, endpoints: endpoint(o?.webSocket.endpoints[0]?.url ?? '') };
      const api = exchange.defaults.api && o?.api ? { ...exchange.defaults.api, endpoints: endpoint(o.api.endpoints[0]?.url ?? '') } : undefined;
      const stream = new WsStream({
        name, config, api, exchange, metrics, log: silentLog(),
        tickers: symbols.map((t) => ({ offChainTicker: t, metadataJSON: '' })),
        sink: new ProviderSink(store, metrics),
      });
      const started = Date.now();
      stream.start();
      try {
        const missing = () => symbols.filter((t) => store.get(name, t) === undefined);
        await waitFor(() => missing().length === 0, PRICED_MS + 2000, 25).catch(() => undefined);
        expect(missing()).toEqual([]);
        expect(Date.now() - started).toBeLessThanOrEqual(PRICED_MS);
        expect(sim.limits(name).violations).toEqual(Object.fromEntries(Object.keys(sim.limits(name).violations).map((k) => [k, 0])));
      } finally {
        await stream.stop();
      }
    }, 20_000);
  }
});
