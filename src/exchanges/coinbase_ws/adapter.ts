/**
 * coinbase_ws: Coinbase Exchange websocket feed, `ticker` and `heartbeat` channels.
 *
 * API:    https://docs.cdp.coinbase.com/exchange/websocket-feed/overview
 *         https://docs.cdp.coinbase.com/exchange/websocket-feed/channels (ticker, heartbeat)
 * Limits: https://docs.cdp.coinbase.com/exchange/websocket-feed/rate-limits: 8 connection
 *         requests a second per IP, bursts up to 20; 100 client messages a second per IP;
 *         subscribe and unsubscribe messages "10 RPS / 1000 burst RPS"
 *         (https://help.coinbase.com/en/exchange/managing-my-account/market-data-connections).
 *         No documented cap on products per subscribe or per connection. A connection that does
 *         not subscribe within 5 s is closed (README).
 *         Defaults: one connection, 50 products per subscribe, 200 ms apart (5 a second, half
 *         the subscribe rate; we send no pings), at most 16 dials in any 2.5 s (`dialLimit`, 80 % of the 20 burst; under 8 a second sustained): a
 *         dYdX-sized map's 203 products go in 5 messages, all sent 1.8 s after the dial.
 *         connect's defaults: writeInterval 100 ms, maxSubscriptionsPerBatch 1,
 *         maxSubscriptionsPerConnection 0 (unlimited); set those in oracle.json to restore them.
 * Symbol: BASE-QUOTE, e.g. BTC-USD, carried back in `product_id` (exchange-wire-formats.md §3.5).
 * Price:  ticker `price` (last match), a decimal string. A heartbeat (one per product per
 *         second) only refreshes the price already held.
 *
 * Quirks and decisions:
 * - One sequence counter per product, shared by ticker and heartbeat: a message is accepted
 *   when its `sequence` is >= the stored one, else it is an error ("out of order").
 * - `sequence`, `trade_id`, `last_trade_id` must be JSON integers and `price` a string, else
 *   the whole frame is an error (the anchor's typed decode). A present but invalid price
 *   (zero, "abc") resolves nothing: FailedToParsePrice (10), and the product's trade_id is
 *   forgotten so a later heartbeat cannot refresh the older price as if it were current.
 * - Heartbeat whose `last_trade_id` equals the last good ticker's `trade_id`: resolved with
 *   price null ("unchanged"). Otherwise (a trade we did not see, or no ticker yet):
 *   unresolved with NoExistingPrice (16), "no price update received".
 * - `subscriptions` ack: empty response. `error` and any other type: error (frame dropped).
 * - No application heartbeat is sent: heartbeat() returns [].
 */
import { wsDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { ProviderTicker, WsExchange, WsHandleResult, WsSession } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { chunk, emptyResponse, failAll, frameObject, quote, type JsonObject } from '../util.js';

/** One configured product's state, shared by every spelling of its id. */
interface ProductState {
  readonly ticker: ProviderTicker;
  /** The last accepted sequence (-Infinity before the first message). */
  sequence: number;
  tradeId: number | undefined;
}

function coinbaseSession(tickers: readonly ProviderTicker[], batchSize: number): WsSession {
  // Every accepted spelling of a product id leads to its state in one lookup: a ticker frame
  // costs one map access, not a symbol lookup plus a state lookup and store.
  const byTicker = new Map<string, ProductState>();
  const products = new Map<string, ProductState>();
  for (const [spelling, ticker] of new TickerIndex(tickers).entries()) {
    let state = byTicker.get(ticker.offChainTicker);
    if (state === undefined) {
      state = { ticker, sequence: -Infinity, tradeId: undefined };
      byTicker.set(ticker.offChainTicker, state);
    }
    products.set(spelling, state);
  }

  /**
   * Validate product, sequence and the integer `id` (the frame's `idField`); record the
   * sequence. The product's state, or why the frame is rejected.
   */
  const admit = (msg: JsonObject, id: unknown, idField: string): ProductState | string => {
    const productId = msg.product_id;
    if (typeof productId !== 'string') return `${String(msg.type)}: product_id is not a string`;
    const state = products.get(productId);
    if (state === undefined) return `${String(msg.type)} for unknown product ${productId}`;
    const { sequence } = msg;
    if (typeof sequence !== 'number' || !Number.isInteger(sequence)) return `${String(msg.type)}: sequence is not an integer`;
    if (!Number.isInteger(id)) return `${String(msg.type)}: ${idField} is not an integer`;
    if (sequence < state.sequence) {
      return `${String(msg.type)} for ${productId} out of order: sequence ${sequence} < ${state.sequence}`;
    }
    state.sequence = sequence;
    return state;
  };

  const onTicker = (msg: JsonObject): WsHandleResult => {
    const { price } = msg;
    if (typeof price !== 'string') return { error: 'ticker: price is not a string' };
    const state = admit(msg, msg.trade_id, 'trade_id');
    if (typeof state === 'string') return { error: state };
    const outcome = quote(state.ticker, price);
    if ('code' in outcome) {
      state.tradeId = undefined;
      return { response: { resolved: [], unresolved: [outcome] } };
    }
    state.tradeId = msg.trade_id as number;
    return { response: { resolved: [outcome], unresolved: [] } };
  };

  const onHeartbeat = (msg: JsonObject): WsHandleResult => {
    const state = admit(msg, msg.last_trade_id, 'last_trade_id');
    if (typeof state === 'string') return { error: state };
    const { ticker } = state;
    if (state.tradeId !== undefined && state.tradeId === msg.last_trade_id) {
      return { response: { resolved: [{ ticker: ticker.offChainTicker, price: null }], unresolved: [] } };
    }
    return { response: failAll([ticker], ErrorCode.NoExistingPrice, 'no price update received') };
  };

  return {
    subscriptions: () =>
      chunk(tickers, batchSize).map((batch) =>
        JSON.stringify({ type: 'subscribe', product_ids: batch.map((t) => t.offChainTicker), channels: ['ticker', 'heartbeat'] }),
      ),
    handle(frame) {
      const msg = frameObject(frame);
      if (typeof msg === 'string') return { error: msg };
      switch (msg.type) {
        case 'subscriptions':
          return { response: emptyResponse() };
        case 'ticker':
          return onTicker(msg);
        case 'heartbeat':
          return onHeartbeat(msg);
        case 'error':
          return { error: `coinbase error: ${String(msg.message)} ${String(msg.reason ?? '')}`.trim() };
        default:
          return { error: `unexpected message type ${JSON.stringify(msg.type) ?? 'undefined'}` };
      }
    },
    heartbeat: () => [],
  };
}

export const coinbaseWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('coinbase_ws', 'wss://ws-feed.exchange.coinbase.com', { writeInterval: 200, maxSubscriptionsPerBatch: 50 }) },
  dialLimit: { max: 16, windowMs: 2500 },
  session: coinbaseSession,
} satisfies WsExchange;
