/** Each ws1 provider alone against the simulator, through the built daemon. */
import { describe, it } from 'vitest';
import { checkProviderEndToEnd, type ProviderCase } from '../helpers/provider-e2e.js';

const cases: ProviderCase[] = [
  { provider: 'bitfinex_ws', market: 'BTC/USD', offChainTicker: 'BTCUSD' },
  { provider: 'bitstamp_ws', market: 'ETH/USD', offChainTicker: 'ethusd', decimals: 6 },
  { provider: 'bybit_ws', market: 'SOL/USDT', offChainTicker: 'SOLUSDT' },
  { provider: 'crypto_dot_com_ws', market: 'ATOM/USD', offChainTicker: 'ATOM_USD', decimals: 9 },
  { provider: 'gate_ws', market: 'USDT/DOGE', offChainTicker: 'DOGE_USDT', invert: true, decimals: 10 },
];

describe.concurrent('ws1 providers end to end', () => {
  for (const c of cases) it(`${c.provider} serves ${c.market} from ${c.offChainTicker}`, () => checkProviderEndToEnd(c), 40_000);
});
