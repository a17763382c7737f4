/**
 * The exchange registry: provider name → adapter. Adding an exchange is one adapter file,
 * one fixture folder (test/fixtures/exchanges/<name>/) and one line here.
 */
import type { Exchange } from '../types.js';
import { binanceApi } from './binance_api.js';
import { binanceWs } from './binance_ws.js';
import { bitfinexWs } from './bitfinex_ws.js';
import { bitstampApi } from './bitstamp_api.js';
import { bitstampWs } from './bitstamp_ws.js';
import { bybitWs } from './bybit_ws.js';
import { coinbaseApi } from './coinbase_api.js';
import { coinbaseWs } from './coinbase_ws.js';
import { coingeckoApi } from './coingecko_api.js';
import { coinmarketcapApi } from './coinmarketcap_api.js';
import { cryptoDotComWs } from './crypto_dot_com_ws.js';
import { gateWs } from './gate_ws.js';
import { geckoTerminalApi } from './gecko_terminal_api.js';
import { huobiWs } from './huobi_ws.js';
import { krakenApi } from './kraken_api.js';
import { krakenWs } from './kraken_ws.js';
import { kucoinWs } from './kucoin_ws.js';
import { mexcWs } from './mexc_ws.js';
import { okxWs } from './okx_ws.js';
import { polymarketApi } from './polymarket_api.js';

export const exchanges: Readonly<Record<string, Exchange>> = {
  binance_api: binanceApi,
  binance_ws: binanceWs,
  bitfinex_ws: bitfinexWs,
  bitstamp_api: bitstampApi,
  bitstamp_ws: bitstampWs,
  bybit_ws: bybitWs,
  coinbase_api: coinbaseApi,
  coinbase_ws: coinbaseWs,
  coingecko_api: coingeckoApi,
  coinmarketcap_api: coinmarketcapApi,
  crypto_dot_com_ws: cryptoDotComWs,
  gate_ws: gateWs,
  gecko_terminal_api: geckoTerminalApi,
  huobi_ws: huobiWs,
  kraken_api: krakenApi,
  kraken_ws: krakenWs,
  kucoin_ws: kucoinWs,
  mexc_ws: mexcWs,
  okx_ws: okxWs,
  polymarket_api: polymarketApi,
};
