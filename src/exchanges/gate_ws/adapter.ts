/**
 * gate_ws: Gate.io spot websocket v4, `spot.tickers` channel.
 *
 * API:    https://www.gate.io/docs/developers/apiv4/ws/en/ (request format, spot.tickers,
 *         spot.ping)
 * Limits: the API page documents none; Gate's maintainer
 *         (https://github.com/gateio/gatews/issues/25): no limit on subscriptions per
 *         connection or on messages sent, no connection limit, at most 100 connections per
 *         host recommended; the server closes a connection whose client reads too slowly.
 *         Defaults: one connection, 50 pairs per subscribe, 100 ms apart: a dYdX-sized map's
 *         453 pairs go in 10 messages, all sent 1.9 s after the dial; keepalive by protocol
 *         ping/pong only (as the anchor).
 *         connect's defaults: writeInterval 100 ms, maxSubscriptionsPerBatch 1,
 *         maxSubscriptionsPerConnection 0 (unlimited); set those in oracle.json to restore them.
 * Symbol: BASE_QUOTE, e.g. BTC_USDT, carried back in `result.currency_pair`
 *         (exchange-wire-formats.md §3.7).
 * Price:  `result.last`, a decimal string.
 *
 * Quirks and decisions:
 * - Subscribe: `{"time":n,"channel":"spot.tickers","event":"subscribe","id":n,"payload":[..]}`,
 *   batchSize pairs per message. The anchor put the current second-of-minute (0–59) in both
 *   `time` and `id`, which shows Gate does not check `time` on public channels. Adapters read
 *   no clock, so both carry a per-connection request counter from 1; `id` is what Gate echoes.
 * - Ack `event: subscribe`: `error` null or with an empty message and `result.status`
 *   "success" → empty response. Otherwise, when the ack echoes the id of one of our
 *   requests, those pairs are unresolved with APIGeneral (13) and Gate's code and message
 *   (1 invalid body, 2 invalid argument, 3 server error); without a known id, an error.
 *   No retry (anchor).
 * - `event: update`: channel must be exactly `spot.tickers`, `time` an integer, `result` an
 *   object with a string `currency_pair` we hold (else error, frame dropped). A `last` that
 *   is not a string (the anchor's typed decode), not decimal, zero or negative:
 *   FailedToParsePrice (10).
 * - `spot.pong` and `unsubscribe` acks: empty response. Any other event: error.
 * - heartbeat() returns [] (pingInterval 0).
 */
import { wsDefaults } from '../../config/provider-defaults.js';
import { TickerIndex } from '../../providers/tickers.js';
import type { ProviderTicker, WsExchange, WsHandleResult, WsSession } from '../../providers/types.js';
import { ErrorCode } from '../../providers/types.js';
import { chunk, emptyResponse, failAll, frameObject, isObject, quote, toResponse, type JsonObject } from '../util.js';

const CHANNEL = 'spot.tickers';

function onUpdate(index: TickerIndex, msg: JsonObject): WsHandleResult {
  if (msg.channel !== CHANNEL) return { error: `update on unexpected channel ${JSON.stringify(msg.channel)}` };
  if (!Number.isInteger(msg.time)) return { error: 'update: time is not an integer' };
  const { result } = msg;
  if (!isObject(result) || typeof result.currency_pair !== 'string') return { error: 'update: result has no currency_pair' };
  const ticker = index.lookup(result.currency_pair);
  if (ticker === undefined) return { error: `update for unknown pair ${result.currency_pair}` };
  if (typeof result.last !== 'string') {
    return { response: failAll([ticker], ErrorCode.FailedToParsePrice, `last has type ${result.last === null ? 'null' : typeof result.last}, expected a string`) };
  }
  return { response: toResponse([quote(ticker, result.last)]) };
}

function gateSession(tickers: readonly ProviderTicker[], batchSize: number): WsSession {
  const index = new TickerIndex(tickers);
  const pending = new Map<number, ProviderTicker[]>();
  let nextId = 1;

  const subscribe = (batch: ProviderTicker[]): string => {
    const id = nextId++;
    pending.set(id, batch);
    return JSON.stringify({ time: id, channel: CHANNEL, event: 'subscribe', id, payload: batch.map((t) => t.offChainTicker) });
  };

  const onAck = (msg: JsonObject): WsHandleResult => {
    const err = isObject(msg.error) ? msg.error : undefined;
    const failed = typeof err?.message === 'string' && err.message !== '';
    const status = isObject(msg.result) ? msg.result.status : undefined;
    if (!failed && status === 'success') return { response: emptyResponse() };
    const reason = failed
      ? `gate error ${JSON.stringify(err.code)}: ${String(err.message).slice(0, 200)}`
      : `subscribe status ${JSON.stringify(status)}`;
    const batch = typeof msg.id === 'number' ? pending.get(msg.id) : undefined;
    return batch === undefined ? { error: reason } : { response: failAll(batch, ErrorCode.APIGeneral, reason) };
  };

  return {
    subscriptions: () => chunk(tickers, batchSize).map(subscribe),
    handle(frame) {
      const msg = frameObject(frame);
      if (typeof msg === 'string') return { error: msg };
      if (msg.channel === 'spot.pong') return { response: emptyResponse() };
      switch (msg.event) {
        case 'update':
          return onUpdate(index, msg);
        case 'subscribe':
          return onAck(msg);
        case 'unsubscribe':
          return { response: emptyResponse() };
        default:
          return { error: `unhandled event ${JSON.stringify(msg.event)} on ${JSON.stringify(msg.channel)}` };
      }
    },
    heartbeat: () => [],
  };
}

export const gateWs = {
  kind: 'ws',
  defaults: { webSocket: wsDefaults('gate_ws', 'wss://api.gateio.ws/ws/v4/', { maxBufferSize: 1000, maxSubscriptionsPerBatch: 50 }) },
  session: gateSession,
} satisfies WsExchange;
