/** Each provider of the core set alone against the simulator, through the built daemon. */
import { describe, it } from 'vitest';
import { checkProviderEndToEnd, type ProviderCase } from '../helpers/provider-e2e.js';

const cases: ProviderCase[] = [
  { provider: 'binance_api', market: 'BTC/USDT', offChainTicker: 'BTCUSDT' },
  { provider: 'kraken_api', market: 'ETH/USD', offChainTicker: 'XETHZUSD' },
  { provider: 'coinbase_api', market: 'SOL/USD', offChainTicker: 'SOL-USD' },
  { provider: 'binance_ws', market: 'ETH/USDT', offChainTicker: 'ETHUSDT' },
  { provider: 'coinbase_ws', market: 'BTC/USD', offChainTicker: 'BTC-USD', decimals: 5 },
  { provider: 'okx_ws', market: 'USDT/USDC', offChainTicker: 'USDC-USDT', invert: true, decimals: 9 },
];

describe.concurrent('core providers end to end', () => {
  for (const c of cases) it(`${c.provider} serves ${c.market} from ${c.offChainTicker}`, () => checkProviderEndToEnd(c), 40_000);
});
