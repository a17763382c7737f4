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
import type { SimExchange } from './types.js';

export const SIM_EXCHANGES: readonly SimExchange[] = [
  binanceApi, // basePort + 0
  krakenApi, // basePort + 1
  coinbaseApi, // basePort + 2
  binanceWs, // basePort + 3
  coinbaseWs, // basePort + 4
  okxWs, // basePort + 5
];
