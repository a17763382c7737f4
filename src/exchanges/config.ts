/**
 * Each registry exchange's built-in oracle.json entry, handed to the config loader
 * (config/defaults.ts defaultOracleConfig). The transport an exchange does not use is a
 * disabled block; a WebSocket exchange with an HTTP helper block (KuCoin) carries it disabled.
 */
import { disabledApi, disabledWs } from '../config/provider-defaults.js';
import type { ProviderConfig } from '../config/types.js';
import type { Exchange } from '../providers/types.js';
import { exchanges } from './index.js';

function entryFor(name: string, ex: Exchange): ProviderConfig {
  if (ex.kind !== 'ws') {
    return { name, type: 'price_provider', api: ex.defaults, webSocket: disabledWs(name) };
  }
  const api = ex.defaults.api ? { ...ex.defaults.api, enabled: false } : disabledApi(name);
  return { name, type: 'price_provider', api, webSocket: ex.defaults.webSocket };
}

/** The built-in entry of every registry exchange, keyed by provider name. */
export function exchangeProviderConfigs(): Record<string, ProviderConfig> {
  const out: Record<string, ProviderConfig> = {};
  for (const [name, ex] of Object.entries(exchanges)) out[name] = entryFor(name, ex);
  return out;
}
