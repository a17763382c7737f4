/**
 * connect's subscription pacing for every WebSocket provider: its package defaults (one topic
 * per message, 100 ms apart, no per-connection cap) and its per-provider overrides
 * (oracle/config/websocket.go and providers/websockets/<name>/ws.go in skip-mev/connect). The
 * side-car's own defaults pace to each exchange's documented limits instead; this table is the
 * oracle.json an operator writes to get connect's pacing back, and what the warm-up bench runs
 * beside ours.
 */
export interface Pacing {
  writeInterval: number;
  maxSubscriptionsPerBatch: number;
  maxSubscriptionsPerConnection: number;
}

const CONNECT_DEFAULT: Pacing = { writeInterval: 100, maxSubscriptionsPerBatch: 1, maxSubscriptionsPerConnection: 0 };

export const CONNECT_PACING: Readonly<Record<string, Pacing>> = {
  binance_ws: { ...CONNECT_DEFAULT, writeInterval: 300, maxSubscriptionsPerConnection: 40 },
  bitfinex_ws: { ...CONNECT_DEFAULT, maxSubscriptionsPerConnection: 20 },
  bitstamp_ws: CONNECT_DEFAULT,
  bybit_ws: CONNECT_DEFAULT,
  coinbase_ws: CONNECT_DEFAULT,
  crypto_dot_com_ws: { ...CONNECT_DEFAULT, maxSubscriptionsPerConnection: 200 },
  gate_ws: CONNECT_DEFAULT,
  huobi_ws: CONNECT_DEFAULT,
  kraken_ws: CONNECT_DEFAULT,
  kucoin_ws: { ...CONNECT_DEFAULT, writeInterval: 300, maxSubscriptionsPerConnection: 25 },
  mexc_ws: { ...CONNECT_DEFAULT, maxSubscriptionsPerConnection: 20 },
  okx_ws: { writeInterval: 3000, maxSubscriptionsPerBatch: 25, maxSubscriptionsPerConnection: 50 },
};

/** An oracle.json override giving every WebSocket provider connect's pacing, over `base`. */
export function withConnectPacing(base: { providers?: Record<string, unknown> }): { providers: Record<string, unknown> } {
  const providers: Record<string, unknown> = { ...base.providers };
  for (const [name, pacing] of Object.entries(CONNECT_PACING)) {
    const cur = (providers[name] ?? {}) as { webSocket?: Record<string, unknown> };
    // A bare number in oracle.json is a Go duration in nanoseconds, as in connect: write "300ms".
    providers[name] = { ...cur, webSocket: { ...cur.webSocket, ...pacing, writeInterval: `${pacing.writeInterval}ms` } };
  }
  return { ...base, providers };
}
