/**
 * The simulated exchanges, in port order: with basePort N the i-th entry listens on N + i.
 * Adding an exchange is one file (http-<x>.ts or ws-<x>.ts) plus one line here, appended
 * at the end so existing ports do not move.
 */
import { binanceApi } from './http-binance.js';
import { coinbaseApi } from './http-coinbase.js';
import { krakenApi } from './http-kraken.js';
import { binanceWs } from './ws-binance.js';
import { coinbaseWs } from './ws-coinbase.js';
import { okxWs } from './ws-okx.js';
import { bitstampApi } from './http-bitstamp.js';
import { coingeckoApi } from './http-coingecko.js';
import { coinmarketcapApi } from './http-coinmarketcap.js';
import { polymarketApi } from './http-polymarket.js';
import { geckoTerminalApi } from './http-gecko-terminal.js';
import { bitfinexWs } from './ws-bitfinex.js';
import { bitstampWs } from './ws-bitstamp.js';
import { bybitWs } from './ws-bybit.js';
import { cryptoDotComWs } from './ws-crypto-dot-com.js';
import { gateWs } from './ws-gate.js';
import { huobiWs } from './ws-huobi.js';
import { krakenWs } from './ws-kraken.js';
import { kucoinWs } from './ws-kucoin.js';
import { mexcWs } from './ws-mexc.js';
import type { SimExchange } from './types.js';

export const SIM_EXCHANGES: readonly SimExchange[] = [
  binanceApi, // basePort + 0
  krakenApi, // basePort + 1
  coinbaseApi, // basePort + 2
  binanceWs, // basePort + 3
  coinbaseWs, // basePort + 4
  okxWs, // basePort + 5
  bitstampApi, // basePort + 6
  coingeckoApi, // basePort + 7
  coinmarketcapApi, // basePort + 8
  polymarketApi, // basePort + 9
  geckoTerminalApi, // basePort + 10
  bitfinexWs, // basePort + 11
  bitstampWs, // basePort + 12
  bybitWs, // basePort + 13
  cryptoDotComWs, // basePort + 14
  gateWs, // basePort + 15
  huobiWs, // basePort + 16
  krakenWs, // basePort + 17
  kucoinWs, // basePort + 18
  mexcWs, // basePort + 19
];
