/**
 * One ingest consumer, run in its own process so its CPU is its own:
 *   node ingest-consumer.js <floor|sidecar> <provider> <url> <tickers,comma> <windowMs>
 * floor: a bare `ws` client sending the adapter's own subscribe frames, then JSON.parse and
 * Map.set per frame. sidecar: the side-car's WsStream + adapter + ProviderSink + metrics.
 * Prints one JSON line {frames, cpuUs, ms} for the measured window (after a 1 s warm-up).
 */
import { SidecarRegistry } from '../src/metrics/registry.js';
import { pino } from 'pino';
import WebSocket from 'ws';
import { createMetrics } from '../src/metrics/metrics.js';
import { ProviderMetrics } from '../src/metrics/provider.js';
import { QuoteStore } from '../src/oracle/store.js';
import { exchanges } from '../src/exchanges/index.js';
import { ProviderSink } from '../src/providers/sink.js';
import type { ProviderTicker, WsExchange } from '../src/providers/types.js';
import { WsStream } from '../src/providers/ws-stream.js';

const [kind, provider = '', url = '', tickerList = '', windowArg = '3000'] = process.argv.slice(2);
const windowMs = Number(windowArg);
const adapter = exchanges[provider] as WsExchange;
const tickers: ProviderTicker[] = tickerList.split(',').map((t) => ({ offChainTicker: t, metadataJSON: '' }));
let frames = 0;

function floor(): void {
  const latest = new Map<string, unknown>();
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on('open', () => {
    for (const s of adapter.session(tickers, adapter.defaults.webSocket.maxSubscriptionsPerBatch || tickers.length).subscriptions()) ws.send(s);
  });
  ws.on('message', (data) => {
    frames += 1;
    const m = JSON.parse(data.toString()) as { product_id?: string; stream?: string; arg?: { instId?: string } };
    latest.set(m.product_id ?? m.stream ?? m.arg?.instId ?? '', m);
  });
}

function sidecar(): void {
  const counting: WsExchange = {
    ...adapter,
    session: (t, batch) => {
      const s = adapter.session(t, batch);
      return { ...s, handle: (frame) => ((frames += 1), s.handle(frame)) };
    },
  };
  const metrics = new ProviderMetrics(createMetrics(new SidecarRegistry(), false), provider, 'websockets');
  const config = { ...adapter.defaults.webSocket, endpoints: [{ ...adapter.defaults.webSocket.endpoints[0], url }] };
  const stream = new WsStream({
    name: provider, config: { ...config, postConnectionTimeout: 0, writeInterval: 0 }, api: adapter.defaults.api, exchange: counting, metrics,
    log: pino({ level: 'silent' }), tickers, sink: new ProviderSink(new QuoteStore(), metrics),
  } as ConstructorParameters<typeof WsStream>[0]);
  stream.start();
}

if (kind === 'floor') floor();
else sidecar();

const waitFirst = setInterval(() => {
  if (frames === 0) return;
  clearInterval(waitFirst);
  setTimeout(() => {
    const f0 = frames;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    setTimeout(() => {
      const c = process.cpuUsage(c0);
      const ms = performance.now() - t0;
      process.stdout.write(`${JSON.stringify({ frames: frames - f0, cpuUs: c.user + c.system, ms })}\n`, () => process.exit(0));
    }, windowMs);
  }, 1000);
}, 20);
setTimeout(() => {
  process.stderr.write(`no frames from ${url}\n`);
  process.exit(1);
}, 20_000).unref();
