/**
 * What a running provider's drivers last saw, for `/status` (status/explain.ts): its WebSocket
 * connections (healthy of configured) and its last delivery and last error. Plain fields written
 * where the drivers already count their metrics; read only when an operator asks.
 */
import type { ProviderType } from '../metrics/metrics.js';

export class ProviderState {
  /** WebSocket connections subscribed and reading, and how many the provider is meant to hold. */
  healthy = 0;
  configured = 0;
  /** When the last price arrived (ms since the epoch; 0: never). */
  lastDeliveryAt = 0;
  /** The last error code any of its tickers got, and when (0: none). */
  lastErrorCode = 0;
  lastErrorAt = 0;

  constructor(readonly transport: ProviderType) {}
}
