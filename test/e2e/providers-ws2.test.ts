/** huobi_ws, kraken_ws, kucoin_ws and mexc_ws each alone against the simulator, through the built daemon. */
import { describe, it } from 'vitest';
import { checkProviderEndToEnd, type ProviderCase } from '../helpers/provider-e2e.js';

const cases: ProviderCase[] = [
  // gzip binary frames, server pings answered by the adapter.
  { provider: 'huobi_ws', market: 'BTC/USDT', offChainTicker: 'btcusdt' },
  // The reported price is p[0] (today's VWAP); the simulator quotes that field.
  { provider: 'kraken_ws', market: 'BTC/USD', offChainTicker: 'XBT/USD', decimals: 5 },
  // Token handshake: the daemon POSTs bullet-public to the simulator's api endpoint first.
  { provider: 'kucoin_ws', market: 'ETH/USDT', offChainTicker: 'ETH-USDT' },
  { provider: 'mexc_ws', market: 'USDT/USDC', offChainTicker: 'USDCUSDT', invert: true, decimals: 9 },
];

describe.concurrent('ws2 providers end to end', () => {
  for (const c of cases) it(`${c.provider} serves ${c.market} from ${c.offChainTicker}`, () => checkProviderEndToEnd(c), 40_000);
});
