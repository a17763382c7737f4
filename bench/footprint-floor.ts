/**
 * The footprint floor: one Node process with a bare `ws` client per stream, sending the
 * adapters' own subscribe frames, then JSON.parse + Map.set per frame (what any Node consumer
 * of these feeds pays). Streams come as JSON in argv[2]: [[provider, url, [tickers...]], ...].
 */
import WebSocket from 'ws';
import { exchanges } from '../src/exchanges/index.js';
import type { WsExchange } from '../src/providers/types.js';

const streams = JSON.parse(process.argv[2] ?? '[]') as Array<[string, string, string[]]>;
const latest = new Map<string, unknown>();
for (const [provider, url, list] of streams) {
  const adapter = exchanges[provider] as WsExchange;
  const tickers = list.map((t) => ({ offChainTicker: t, metadataJSON: '' }));
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on('open', () => {
    for (const s of adapter.session(tickers, adapter.defaults.webSocket.maxSubscriptionsPerBatch || tickers.length).subscriptions()) ws.send(s);
  });
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as { product_id?: string; stream?: string; arg?: { instId?: string } };
    latest.set(m.product_id ?? m.stream ?? m.arg?.instId ?? '', m);
  });
  ws.on('error', (err) => process.stderr.write(`floor ${provider}: ${err.message}\n`));
}
