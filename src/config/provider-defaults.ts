/**
 * Builders for the built-in provider configuration: connect's package defaults
 * (oracle/config/websocket.go, cmd/constants/providers.go) plus each exchange's overrides.
 * All durations in milliseconds.
 */
import type { ApiConfig, Endpoint, WebSocketConfig } from '../config/types.js';

export function endpoint(url: string): Endpoint {
  return { url, authentication: { apiKey: '', apiKeyHeader: '' } };
}

/** An HTTP provider's api block: reconnectTimeout 2 s, maxQueries 1, timeout 3 s unless overridden. */
export function apiDefaults(
  name: string,
  url: string,
  o: Partial<Omit<ApiConfig, 'name' | 'endpoints'>>,
): ApiConfig {
  return {
    enabled: true,
    timeout: 3000,
    interval: 1000,
    reconnectTimeout: 2000,
    maxQueries: 1,
    atomic: false,
    batchSize: 0,
    maxBlockHeightAge: 0,
    ...o,
    name,
    endpoints: [endpoint(url)],
  };
}

/** A WebSocket provider's webSocket block over the package defaults of connect. */
export function wsDefaults(
  name: string,
  url: string,
  o: Partial<Omit<WebSocketConfig, 'name' | 'endpoints'>> = {},
): WebSocketConfig {
  return {
    enabled: true,
    maxBufferSize: 1024,
    reconnectionTimeout: 10_000,
    postConnectionTimeout: 1000,
    readBufferSize: 0,
    writeBufferSize: 0,
    handshakeTimeout: 10_000,
    enableCompression: false,
    readTimeout: 10_000,
    writeTimeout: 5000,
    pingInterval: 0,
    writeInterval: 100,
    maxReadErrorCount: 100,
    maxSubscriptionsPerConnection: 0,
    maxSubscriptionsPerBatch: 1,
    ...o,
    name,
    endpoints: [endpoint(url)],
  };
}

/** A disabled block of either kind, as connect's defaults carry for the unused transport. */
export function disabledApi(name: string): ApiConfig {
  return { ...apiDefaults(name, '', {}), enabled: false, endpoints: [] };
}

export function disabledWs(name: string): WebSocketConfig {
  return { ...wsDefaults(name, ''), enabled: false, endpoints: [] };
}
