import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bitfinexWs } from '../../../src/exchanges/bitfinex_ws/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/bitfinex_ws/${f}`, import.meta.url), 'utf8');
const local = (f: string): string => readFileSync(new URL(`../../fixtures/exchanges/bitfinex_ws/${f}`, import.meta.url), 'utf8');
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const session = () => bitfinexWs.session(tickers('BTCUSD', 'ETHUSD'), 1);
const EMPTY = { resolved: [], unresolved: [] };

/** A session with ETHUSD acked on channel 222. */
function ethSession() {
  const s = session();
  expect(s.handle(local('subscribed_eth.json'))).toEqual({ response: EMPTY });
  return s;
}

describe('bitfinex_ws subscriptions', () => {
  it('matches the anchor request, one message per symbol whatever the batch size', () => {
    expect(bitfinexWs.session(tickers('BTCUSD'), 1).subscriptions()).toEqual([shared('subscribe_request.json').trim()]);
    expect(bitfinexWs.session(tickers('BTCUSD', 'ETHUSD', 'SOLUSD'), 5).subscriptions()).toEqual([
      '{"event":"subscribe","channel":"ticker","symbol":"BTCUSD"}',
      '{"event":"subscribe","channel":"ticker","symbol":"ETHUSD"}',
      '{"event":"subscribe","channel":"ticker","symbol":"SOLUSD"}',
    ]);
  });

  it('sends no application heartbeat; defaults keep to 20 connections a minute and 25 channels each', () => {
    expect(session().heartbeat()).toEqual([]);
    expect(bitfinexWs.defaults.webSocket).toMatchObject({ maxSubscriptionsPerConnection: 20, writeInterval: 50, maxBufferSize: 1000, pingInterval: 0 });
    expect(bitfinexWs.dialLimit).toEqual({ max: 16, windowMs: 60_000 });
    expect(bitfinexWs.defaults.webSocket.endpoints[0]?.url).toBe('wss://api-pub.bitfinex.com/ws/2');
  });
});

describe('bitfinex_ws shared payloads', () => {
  it('maps the acked channel id to the pair and reads LAST_PRICE (index 6)', () => {
    const s = session();
    expect(s.handle(shared('subscribed_ack.json'))).toEqual({ response: EMPTY });
    expect(s.handle(shared('ticker_update.json'))).toEqual({ response: { resolved: [{ ticker: 'BTCUSD', price: '1' }], unresolved: [] } });
  });

  it('rejects data before the ack', () => {
    expect(session().handle(shared('ticker_update.json'))).toEqual({ error: 'data for unknown channel 111' });
  });

  it('reports an error event that names no pair as an error', () => {
    expect(session().handle(shared('error.json'))).toEqual({ error: 'bitfinex error 10400: error subscribing' });
  });
});

describe('bitfinex_ws channels and heartbeats', () => {
  it('resolves a ticker update on an acked channel in the configured spelling', () => {
    expect(ethSession().handle(local('ticker_eth.json'))).toEqual({ response: { resolved: [{ ticker: 'ETHUSD', price: '3399.15' }], unresolved: [] } });
    const lower = session();
    lower.handle(local('subscribed_lowercase_pair.json'));
    expect(lower.handle('[223,[1,1,1,1,1,1,42.5,1,1,1]]').response?.resolved).toEqual([{ ticker: 'ETHUSD', price: '42.5' }]);
  });

  it('also maps an ack through `symbol` when the ticker is configured as tBTCUSD', () => {
    const s = bitfinexWs.session(tickers('tETHUSD'), 1);
    expect(s.subscriptions()).toEqual(['{"event":"subscribe","channel":"ticker","symbol":"tETHUSD"}']);
    expect(s.handle(local('subscribed_eth.json'))).toEqual({ response: EMPTY });
    expect(s.handle(local('ticker_eth.json')).response?.resolved).toEqual([{ ticker: 'tETHUSD', price: '3399.15' }]);
  });

  it('treats a heartbeat on a known channel as an empty response and on an unknown one as an error', () => {
    const s = ethSession();
    expect(s.handle(local('heartbeat_eth.json'))).toEqual({ response: EMPTY });
    expect(s.handle(local('heartbeat_unknown_channel.json'))).toEqual({ error: 'data for unknown channel 999' });
  });

  it.each([
    ['subscribed_unknown_pair.json', 'subscribed ack for unknown pair XRPUSD'],
    ['subscribed_trades_channel.json', /^subscribed ack without ticker channel/],
    ['subscribed_chanid_string.json', /^subscribed ack without ticker channel, chanId or pair/],
  ])('refuses %s', (file, error) => {
    const r = session().handle(local(file));
    expect(r.response).toBeUndefined();
    expect(r.error).toMatch(error);
  });

  it('does not map a channel from a refused ack', () => {
    const s = session();
    s.handle(local('subscribed_chanid_string.json'));
    expect(s.handle(local('ticker_eth.json'))).toEqual({ error: 'data for unknown channel 222' });
  });
});

describe('bitfinex_ws bad data', () => {
  it.each([
    ['ticker_short.json', 8, 'ticker array has 3 values, expected 10'],
    ['ticker_price_string.json', 10, 'LAST_PRICE has type string, expected a number'],
    ['ticker_price_null.json', 10, 'LAST_PRICE has type null, expected a number'],
    ['ticker_price_zero.json', 10, 'price 0 is not positive'],
    ['ticker_price_negative.json', 10, 'price -3399.15 is not positive'],
  ])('%s leaves ETHUSD unresolved with code %i', (file, code, reason) => {
    expect(ethSession().handle(local(file))).toEqual({ response: { resolved: [], unresolved: [{ ticker: 'ETHUSD', code, reason }] } });
  });

  it.each([
    ['ticker_unknown_channel.json', 'data for unknown channel 999'],
    ['ticker_chanid_string.json', 'data frame is not [chanId, payload]'],
    ['ticker_three_elements.json', 'data frame is not [chanId, payload]'],
    ['checksum_frame.json', 'data frame is not [chanId, payload]'],
  ])('drops %s with an error', (file, error) => {
    expect(ethSession().handle(local(file))).toEqual({ error });
  });

  it('drops malformed JSON, bare strings and unexpected payloads without throwing', () => {
    const s = ethSession();
    expect(s.handle(local('malformed.txt')).error).toMatch(/^invalid JSON/);
    expect(s.handle('"hb"')).toEqual({ error: 'expected a JSON array or object' });
    expect(s.handle('[222,"te"]')).toEqual({ error: 'channel 222: unexpected payload "te"' });
    expect(s.handle(new TextEncoder().encode(local('ticker_eth.json'))).response?.resolved).toEqual([{ ticker: 'ETHUSD', price: '3399.15' }]);
  });
});

describe('bitfinex_ws events', () => {
  it('accepts info and pong with an empty response', () => {
    const s = session();
    expect(s.handle(local('info.json'))).toEqual({ response: EMPTY });
    expect(s.handle(local('pong.json'))).toEqual({ response: EMPTY });
  });

  it('reports a maintenance info event as an error so it is logged', () => {
    expect(session().handle(local('info_maintenance.json')).error).toMatch(/^bitfinex info 20060: Entering in Maintenance mode/);
  });

  it.each([
    ['error_symbol_invalid.json', 'ETHUSD', 3, 'bitfinex error 10300: symbol: invalid'],
    ['error_unknown_pair.json', 'ETHUSD', 3, 'bitfinex error 10001: Unknown pair'],
    ['error_limit.json', 'BTCUSD', 13, 'bitfinex error 10305: subscribe: limit'],
  ])('turns %s into an unresolved %s', (file, ticker, code, reason) => {
    expect(session().handle(local(file))).toEqual({ response: { resolved: [], unresolved: [{ ticker, code, reason }] } });
  });

  it('reports an error for a pair we do not hold, and unknown events, as errors', () => {
    const s = session();
    expect(s.handle(local('error_other_pair.json'))).toEqual({ error: 'bitfinex error 10300: symbol: invalid' });
    expect(s.handle(local('unsubscribed.json'))).toEqual({ error: 'unhandled event "unsubscribed"' });
  });
});
