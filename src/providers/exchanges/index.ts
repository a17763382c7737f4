/**
 * The exchange registry: provider name → adapter. Adding an exchange is one adapter file,
 * one fixture folder (test/fixtures/exchanges/<name>/) and one line here.
 */
import type { Exchange } from '../types.js';
import { binanceApi } from './binance_api.js';
import { binanceWs } from './binance_ws.js';
import { coinbaseApi } from './coinbase_api.js';
import { coinbaseWs } from './coinbase_ws.js';
import { krakenApi } from './kraken_api.js';
import { okxWs } from './okx_ws.js';

export const exchanges: Readonly<Record<string, Exchange>> = {
  binance_api: binanceApi,
  binance_ws: binanceWs,
  coinbase_api: coinbaseApi,
  coinbase_ws: coinbaseWs,
  kraken_api: krakenApi,
  okx_ws: okxWs,
};
