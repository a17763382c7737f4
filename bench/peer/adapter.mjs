/**
 * Peer benchmark adapter: a minimal Chainlink External Adapter built on
 * @chainlink/external-adapter-framework's WebSocketTransport, reading the simulator's
 * coinbase_ws feed (Coinbase Exchange `ticker` channel). Plain JavaScript (ESM) so that it
 * runs from bench/peer/node_modules without touching the side-car's TypeScript build.
 *
 *   node bench/peer/adapter.mjs        (configuration through the environment, see below)
 *
 * It is started the way the framework's own generated adapters start: `expose(adapter)`,
 * which reads every setting from the environment, serves the REST API on EA_PORT and the
 * Prometheus metrics on METRICS_PORT (GET /metrics). The WebSocket transport only subscribes
 * to a pair once a request for that pair has reached the REST API (POST / with
 * {"data":{"base":"BTC","quote":"USD"}}): the request enters the transport's subscription
 * set (for WS_SUBSCRIPTION_TTL ms), and the background loop (every BACKGROUND_EXECUTE_MS_WS
 * ms) opens the connection and sends one subscribe message per new pair.
 *
 * Environment read by the framework (bench/peer.ts sets all of them; defaults in brackets):
 *   WS_API_ENDPOINT                  the coinbase_ws URL (custom setting of this adapter; required)
 *   EA_HOST=127.0.0.1                REST API bind address [::]
 *   EA_PORT=<free port>              REST API port [8080]; the framework rejects 0
 *   METRICS_ENABLED=true             start the metrics server [true]; ws_message_total lives there
 *   METRICS_PORT=<free port>         metrics port [9080]
 *   LOG_LEVEL=error                  pino level [info]; `error` is the quietest level that still
 *                                    reports a failure (no line is written in a healthy run;
 *                                    trace/debug calls in the message path become no-ops)
 *   WS_SUBSCRIPTION_TTL=600000       subscriptions live 10 min [120000], longer than any round
 *   CACHE_TYPE=local                 in-process response cache [local] (no Redis)
 *   CACHE_MAX_AGE=90000              cached result lifetime [90000]
 *   BACKGROUND_EXECUTE_MS_WS=1000    background (subscription) loop period [1000]
 *   Everything else stays at the framework's default (metrics middleware on, correlation ids
 *   on, DEBUG off, no rate limit on the WS transport).
 *
 * What the adapter does per message (the framework's WebSocketTransport, transports/websocket.js):
 * JSON.parse of the frame, this file's `message` handler, a response-cache write of the results
 * (with metrics metadata), then ws_message_total{direction="received"} += 1. Every frame counts,
 * including the `subscriptions` acknowledgements; subscribe frames sent are counted separately
 * under direction="sent" (one per pair, at subscription time only).
 */
import process from 'node:process';
import { expose } from '@chainlink/external-adapter-framework';
import { Adapter, AdapterEndpoint } from '@chainlink/external-adapter-framework/adapter/index.js';
import { AdapterConfig } from '@chainlink/external-adapter-framework/config/index.js';
import { WebSocketTransport } from '@chainlink/external-adapter-framework/transports/index.js';
import { InputParameters } from '@chainlink/external-adapter-framework/validation/index.js';

export const config = new AdapterConfig({
  WS_API_ENDPOINT: {
    description: 'WebSocket endpoint of the (simulated) Coinbase Exchange feed',
    type: 'string',
    required: true,
    sensitive: false,
  },
});

const inputParameters = new InputParameters(
  {
    base: { aliases: ['from', 'coin'], required: true, type: 'string', description: 'Base asset symbol' },
    quote: { aliases: ['to', 'market'], required: true, type: 'string', description: 'Quote asset symbol' },
  },
  [{ base: 'BTC', quote: 'USD' }],
);

const productId = (params) => `${params.base}-${params.quote}`.toUpperCase();

export const wsTransport = new WebSocketTransport({
  url: (context) => context.adapterSettings.WS_API_ENDPOINT,
  handlers: {
    // Coinbase Exchange ticker: {"type":"ticker","sequence":N,"product_id":"BTC-USD","price":"…","time":"…",…}.
    // Anything else (the `subscriptions` ack, `error`) yields no result.
    message(message) {
      if (message.type !== 'ticker' || typeof message.product_id !== 'string') return [];
      const [base, quote] = message.product_id.split('-');
      const price = Number(message.price);
      if (!base || !quote || !Number.isFinite(price) || price <= 0) return [];
      return [
        {
          params: { base, quote },
          response: {
            result: price,
            // `sequence` is kept only so the benchmark can check, over HTTP, how many ticker
            // messages the adapter has parsed (the simulator numbers them per product).
            data: { result: price, sequence: message.sequence },
            timestamps: { providerIndicatedTimeUnixMs: Date.parse(message.time) },
          },
        },
      ];
    },
  },
  builders: {
    // Coinbase's real subscribe message, one per requested pair.
    subscribeMessage: (params) => ({ type: 'subscribe', product_ids: [productId(params)], channels: ['ticker'] }),
    unsubscribeMessage: (params) => ({ type: 'unsubscribe', product_ids: [productId(params)], channels: ['ticker'] }),
  },
});

export const price = new AdapterEndpoint({
  name: 'price',
  aliases: ['crypto', 'ticker'],
  transport: wsTransport,
  inputParameters,
});

export const adapter = new Adapter({
  name: 'COINBASE_PEER',
  defaultEndpoint: price.name,
  config,
  endpoints: [price],
});

expose(adapter).catch((err) => {
  process.stderr.write(`peer adapter failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
