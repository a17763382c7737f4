import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bitstampWs } from '../../../src/exchanges/bitstamp_ws/adapter.js';
import type { ProviderTicker, WsExchange } from '../../../src/providers/types.js';

const shared = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/bitstamp_ws/${f}`, import.meta.url), 'utf8');
const local = (f: string): string => readFileSync(new URL(`../../fixtures/exchanges/bitstamp_ws/${f}`, import.meta.url), 'utf8');
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const session = () => bitstampWs.session(tickers('btcusd', 'ethusd'), 1);
const EMPTY = { resolved: [], unresolved: [] };
const unresolvedEth = (code: number, reason: string) => ({ response: { resolved: [], unresolved: [{ ticker: 'ethusd', code, reason }] } });

describe('bitstamp_ws subscriptions and heartbeat', () => {
  it('matches the anchor request, one channel per message whatever the batch size', () => {
    expect(bitstampWs.session(tickers('btcusd'), 1).subscriptions()).toEqual([shared('subscribe_request.json').trim()]);
    expect(bitstampWs.session(tickers('btcusd', 'ethusd'), 10).subscriptions()).toEqual([
      '{"event":"bts:subscribe","data":{"channel":"live_trades_btcusd"}}',
      '{"event":"bts:subscribe","data":{"channel":"live_trades_ethusd"}}',
    ]);
  });

  it('sends the anchor heartbeat every pingInterval (10 s by default)', () => {
    expect(session().heartbeat()).toEqual([shared('heartbeat.json').trim()]);
    expect(bitstampWs.defaults.webSocket).toMatchObject({ pingInterval: 10_000, writeInterval: 25, maxSubscriptionsPerConnection: 80 });
    expect((bitstampWs as WsExchange).dialLimit).toBeUndefined();
    expect(bitstampWs.defaults.webSocket.endpoints[0]?.url).toBe('wss://ws.bitstamp.net');
  });
});

describe('bitstamp_ws shared payloads', () => {
  it('answers the subscription ack and the heartbeat event with an empty response', () => {
    const s = session();
    expect(s.handle(shared('subscription_succeeded.json'))).toEqual({ response: EMPTY });
    expect(s.handle(shared('heartbeat.json'))).toEqual({ response: EMPTY });
  });

  it('reads price_str from a trade', () => {
    expect(session().handle(shared('trade.json'))).toEqual({ response: { resolved: [{ ticker: 'btcusd', price: '100000.00' }], unresolved: [] } });
  });

  it('does not echo bts:request_reconnect back: logs it as an error, sends nothing', () => {
    const r = session().handle(shared('request_reconnect.json'));
    expect(r.replies).toBeUndefined();
    expect(r.error).toBe('server requested a reconnect (bts:request_reconnect); waiting for it to close the connection');
  });
});

describe('bitstamp_ws trades', () => {
  it('maps the channel suffix in the configured, lower- or upper-case spelling only', () => {
    const s = session();
    expect(s.handle(local('trade_eth.json')).response?.resolved).toEqual([{ ticker: 'ethusd', price: '3399.5' }]);
    expect(s.handle(local('trade_eth_upper_channel.json')).response?.resolved).toEqual([{ ticker: 'ethusd', price: '3400.1' }]);
    expect(s.handle(local('trade_eth_mixed_case.json'))).toEqual({ error: 'trade for unknown pair EthUsd' });
  });

  it.each([
    ['trade_price_number.json', 'price_str has type number, expected a string'],
    ['trade_price_missing.json', 'price_str has type undefined, expected a string'],
    ['trade_price_zero.json', 'price 0.00 is not positive'],
    ['trade_price_negative.json', 'price -3399.5 is not positive'],
    ['trade_price_garbage.json', 'price "3,399.50" is not a decimal number'],
  ])('%s leaves ethusd unresolved with FailedToParsePrice', (file, reason) => {
    expect(session().handle(local(file))).toEqual(unresolvedEth(10, reason));
  });

  it.each([
    ['trade_unknown_pair.json', 'trade for unknown pair xrpusd'],
    ['trade_wrong_channel.json', 'trade on unexpected channel "live_orders_ethusd"'],
    ['trade_data_not_object.json', 'trade on live_trades_ethusd: data is not an object'],
    ['order_book_event.json', 'unhandled event "data"'],
  ])('drops %s with an error', (file, error) => {
    expect(session().handle(local(file))).toEqual({ error });
  });

  it('drops malformed JSON and non-objects without throwing', () => {
    const s = session();
    expect(s.handle(local('malformed.txt')).error).toMatch(/^invalid JSON/);
    expect(s.handle('[1,2]')).toEqual({ error: 'expected a JSON object' });
    expect(s.handle(new TextEncoder().encode(local('trade_eth.json'))).response?.resolved).toEqual([{ ticker: 'ethusd', price: '3399.5' }]);
  });
});

describe('bitstamp_ws control events', () => {
  it('accepts the server heartbeat reply and an unsubscription ack', () => {
    const s = session();
    expect(s.handle(local('heartbeat_reply.json'))).toEqual({ response: EMPTY });
    expect(s.handle(local('unsubscription_succeeded.json'))).toEqual({ response: EMPTY });
  });

  it('attributes bts:error to the channel it names, else reports an error', () => {
    const s = session();
    expect(s.handle(local('error_channel.json'))).toEqual(unresolvedEth(13, 'bitstamp error on live_trades_ethusd: Bad subscription string.'));
    expect(s.handle(local('error_no_channel.json'))).toEqual({ error: 'bitstamp error: Bad request.' });
  });
});
