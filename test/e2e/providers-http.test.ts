/** Each provider of the "http" group alone against the simulator, through the built daemon. */
import { describe, it } from 'vitest';
import { checkProviderEndToEnd, type ProviderCase } from '../helpers/provider-e2e.js';

/** The simulator's synthetic Polymarket market "Will DOGE trade above $1 before 2027?" (src/exchanges/polymarket_api/sim.ts). */
const DOGE_MARKET = '0xe9601786f2a069ea03d9f65e4d17818ff1247d0be659cf438f8dcb9e3cff6dcc';
const DOGE_YES = '35501226802281006558279189269590642908610077338745802625585949386592085413014';

const cases: ProviderCase[] = [
  { provider: 'bitstamp_api', market: 'BTC/USD', offChainTicker: 'BTC/USD' },
  { provider: 'bitstamp_api', market: 'ETH/USD', offChainTicker: 'ethusd', simSymbol: 'ETH/USD' },
  { provider: 'coingecko_api', market: 'SOL/USD', offChainTicker: 'solana/usd' },
  { provider: 'coinmarketcap_api', market: 'ATOM/USD', offChainTicker: '3794' },
  { provider: 'polymarket_api', market: 'WILL_DOGE_TRADE_ABOVE_1_BEFORE_2027?YES/USD', offChainTicker: `${DOGE_MARKET}/${DOGE_YES}`, decimals: 4 },
  { provider: 'gecko_terminal_api', market: 'ETH/USD', offChainTicker: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2' },
];

describe.concurrent('http providers end to end', () => {
  for (const c of cases) it(`${c.provider} serves ${c.market} from ${c.offChainTicker.slice(0, 24)}`, () => checkProviderEndToEnd(c), 40_000);
});
