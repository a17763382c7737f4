/**
 * The exchange registry, the one list both the side-car and the simulator read. Each
 * exchange lives in src/exchanges/<name>/: adapter.ts (what the side-car runs, see
 * providers/types.ts) and sim.ts (its emulation in the simulator, see sim/types.ts).
 * Adding an exchange is that folder plus one entry here (and its adapter's import).
 *
 * Order is the simulator's port order (with --base-port N the i-th entry listens on N + i),
 * so a new exchange goes at the end. The side-car's view, `exchanges`, is in name order.
 *
 * `sim` is a lazy import: the side-car reads only `adapter`, so the simulator's code never
 * enters its module graph (test/e2e/modules.test.ts); src/sim/registry.ts loads the sims.
 * Importing this module has no side effects.
 */
import type { Exchange } from '../providers/types.js';
import type { SimExchange } from '../sim/types.js';
import { binanceApi } from './binance_api/adapter.js';
import { krakenApi } from './kraken_api/adapter.js';
import { coinbaseApi } from './coinbase_api/adapter.js';
import { binanceWs } from './binance_ws/adapter.js';
import { coinbaseWs } from './coinbase_ws/adapter.js';
import { okxWs } from './okx_ws/adapter.js';
import { bitstampApi } from './bitstamp_api/adapter.js';
import { coingeckoApi } from './coingecko_api/adapter.js';
import { coinmarketcapApi } from './coinmarketcap_api/adapter.js';
import { polymarketApi } from './polymarket_api/adapter.js';
import { geckoTerminalApi } from './gecko_terminal_api/adapter.js';
import { bitfinexWs } from './bitfinex_ws/adapter.js';
import { bitstampWs } from './bitstamp_ws/adapter.js';
import { bybitWs } from './bybit_ws/adapter.js';
import { cryptoDotComWs } from './crypto_dot_com_ws/adapter.js';
import { gateWs } from './gate_ws/adapter.js';
import { huobiWs } from './huobi_ws/adapter.js';
import { krakenWs } from './kraken_ws/adapter.js';
import { kucoinWs } from './kucoin_ws/adapter.js';
import { mexcWs } from './mexc_ws/adapter.js';
import { uniswapv3Base, uniswapv3Ethereum } from './uniswapv3/adapter.js';
import { raydiumApi } from './raydium_api/adapter.js';
import { osmosisApi } from './osmosis_api/adapter.js';

export interface ExchangeEntry {
  /** The provider name in oracle.json. */
  readonly name: string;
  readonly adapter: Exchange;
  /** Loads the exchange's simulator emulation (the module's `sim` export). */
  readonly sim: () => Promise<{ readonly sim: SimExchange }>;
}

export const EXCHANGES: readonly ExchangeEntry[] = [
  { name: 'binance_api', adapter: binanceApi, sim: () => import('./binance_api/sim.js') },
  { name: 'kraken_api', adapter: krakenApi, sim: () => import('./kraken_api/sim.js') },
  { name: 'coinbase_api', adapter: coinbaseApi, sim: () => import('./coinbase_api/sim.js') },
  { name: 'binance_ws', adapter: binanceWs, sim: () => import('./binance_ws/sim.js') },
  { name: 'coinbase_ws', adapter: coinbaseWs, sim: () => import('./coinbase_ws/sim.js') },
  { name: 'okx_ws', adapter: okxWs, sim: () => import('./okx_ws/sim.js') },
  { name: 'bitstamp_api', adapter: bitstampApi, sim: () => import('./bitstamp_api/sim.js') },
  { name: 'coingecko_api', adapter: coingeckoApi, sim: () => import('./coingecko_api/sim.js') },
  { name: 'coinmarketcap_api', adapter: coinmarketcapApi, sim: () => import('./coinmarketcap_api/sim.js') },
  { name: 'polymarket_api', adapter: polymarketApi, sim: () => import('./polymarket_api/sim.js') },
  { name: 'gecko_terminal_api', adapter: geckoTerminalApi, sim: () => import('./gecko_terminal_api/sim.js') },
  { name: 'bitfinex_ws', adapter: bitfinexWs, sim: () => import('./bitfinex_ws/sim.js') },
  { name: 'bitstamp_ws', adapter: bitstampWs, sim: () => import('./bitstamp_ws/sim.js') },
  { name: 'bybit_ws', adapter: bybitWs, sim: () => import('./bybit_ws/sim.js') },
  { name: 'crypto_dot_com_ws', adapter: cryptoDotComWs, sim: () => import('./crypto_dot_com_ws/sim.js') },
  { name: 'gate_ws', adapter: gateWs, sim: () => import('./gate_ws/sim.js') },
  { name: 'huobi_ws', adapter: huobiWs, sim: () => import('./huobi_ws/sim.js') },
  { name: 'kraken_ws', adapter: krakenWs, sim: () => import('./kraken_ws/sim.js') },
  { name: 'kucoin_ws', adapter: kucoinWs, sim: () => import('./kucoin_ws/sim.js') },
  { name: 'mexc_ws', adapter: mexcWs, sim: () => import('./mexc_ws/sim.js') },
  // DeFi: one folder holds both Uniswap v3 chains (same adapter and node, another chain).
  { name: 'uniswapv3_api-ethereum', adapter: uniswapv3Ethereum, sim: async () => ({ sim: (await import('./uniswapv3/sim.js')).ethereumSim }) },
  { name: 'uniswapv3_api-base', adapter: uniswapv3Base, sim: async () => ({ sim: (await import('./uniswapv3/sim.js')).baseSim }) },
  { name: 'raydium_api', adapter: raydiumApi, sim: () => import('./raydium_api/sim.js') },
  { name: 'osmosis_api', adapter: osmosisApi, sim: () => import('./osmosis_api/sim.js') },
];

/** The side-car's view: provider name → adapter, in name order. */
export const exchanges: Readonly<Record<string, Exchange>> = Object.fromEntries(
  EXCHANGES.map((e): [string, Exchange] => [e.name, e.adapter]).sort(([a], [b]) => (a < b ? -1 : 1)),
);
