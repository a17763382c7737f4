import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { krakenWs } from '../../../src/exchanges/kraken_ws/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/kraken_ws/${f}`, import.meta.url), 'utf8');
const local = (f: string): string => readFileSync(new URL(`../../fixtures/exchanges/kraken_ws/${f}`, import.meta.url), 'utf8');
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const session = () => krakenWs.session(tickers('XBT/USD', 'ETH/USD', 'SOL/USD'), 1);
const EMPTY = { resolved: [], unresolved: [] };
const XBT_REQUEST = '{"event":"subscribe","pair":["XBT/USD"],"subscription":{"name":"ticker"}}';

describe('kraken_ws subscriptions', () => {
  it('matches the anchor request with one pair per message (connect\'s batch size)', () => {
    expect(krakenWs.session(tickers('XBT/USD'), 1).subscriptions()).toEqual([shared('subscribe_request.json').trim()]);
    expect(session().subscriptions()).toHaveLength(3);
  });

  it('batches pairs into one request when the batch size allows', () => {
    expect(krakenWs.session(tickers('XBT/USD', 'ETH/USD', 'SOL/USD'), 2).subscriptions()).toEqual([
      '{"event":"subscribe","pair":["XBT/USD","ETH/USD"],"subscription":{"name":"ticker"}}',
      '{"event":"subscribe","pair":["SOL/USD"],"subscription":{"name":"ticker"}}',
    ]);
  });

  it('sends no application heartbeat', () => {
    expect(session().heartbeat()).toEqual([]);
  });

  it('defaults: dials 5 s apart (150 attempts per 10 minutes), 200 pairs per subscribe, 1 s apart', () => {
    expect(krakenWs.dialLimit).toEqual({ max: 1, windowMs: 5000 });
    expect(krakenWs.defaults.webSocket).toMatchObject({ maxSubscriptionsPerBatch: 200, writeInterval: 1000, maxSubscriptionsPerConnection: 0 });
  });
});

describe('kraken_ws ticker data', () => {
  it('reports p[0], today\'s VWAP, not the last trade c[0] (shared payload)', () => {
    expect(session().handle(shared('ticker_update.json'))).toEqual({
      response: { resolved: [{ ticker: 'XBT/USD', price: '42596.41907' }], unresolved: [] },
    });
  });

  it('maps other pairs and the lower-case spelling', () => {
    const s = session();
    expect(s.handle(local('ticker_eth.json')).response?.resolved).toEqual([{ ticker: 'ETH/USD', price: '3398.76543' }]);
    expect(s.handle(local('ticker_lowercase_pair.json')).response?.resolved).toEqual([{ ticker: 'XBT/USD', price: '42596.41907' }]);
  });

  it.each([
    ['ticker_vwap_number.json', 'p [42596.41907,42598.31137] is not [vwapToday, vwap24h] strings'],
    ['ticker_vwap_one_element.json', 'p ["42596.41907"] is not [vwapToday, vwap24h] strings'],
    ['ticker_no_vwap.json', 'p undefined is not [vwapToday, vwap24h] strings'],
    ['ticker_vwap_zero.json', 'price 0.00000 is not positive'],
    ['ticker_vwap_bad.json', 'price "$42,596.41" is not a decimal number'],
  ])('%s: FailedToParsePrice for XBT/USD', (file, reason) => {
    expect(session().handle(local(file))).toEqual({ response: { resolved: [], unresolved: [{ ticker: 'XBT/USD', code: 10, reason }] } });
  });

  it.each([
    ['ticker_unknown_pair.json', 'ticker for unknown pair XDG/USD'],
    ['spread_channel.json', 'data for unexpected channel "spread"'],
    ['ticker_five_elements.json', 'data array is not [channelID, ticker, "ticker", pair]'],
    ['ticker_channel_id_string.json', 'data array is not [channelID, ticker, "ticker", pair]'],
  ])('%s: frame error', (file, error) => {
    expect(session().handle(local(file))).toEqual({ error });
  });

  it('discards malformed JSON and scalars without throwing', () => {
    const s = session();
    expect(s.handle(local('malformed.txt')).error).toMatch(/^invalid JSON/);
    expect(s.handle('"heartbeat"')).toEqual({ error: 'expected a JSON object or array' });
    expect(s.handle(new TextEncoder().encode(shared('ticker_update.json'))).response?.resolved).toHaveLength(1);
  });
});

describe('kraken_ws events', () => {
  it('accepts systemStatus online, heartbeat and subscribed (shared payloads)', () => {
    const s = session();
    for (const f of ['system_status.json', 'heartbeat.json', 'subscription_status.json']) expect(s.handle(shared(f))).toEqual({ response: EMPTY });
    expect(s.handle(local('subscription_unsubscribed.json'))).toEqual({ response: EMPTY });
  });

  it('reports a system status other than online', () => {
    expect(session().handle(local('system_status_maintenance.json'))).toEqual({ error: 'system status maintenance' });
  });

  it('re-subscribes the pair of an error status (shared payload), at most three times', () => {
    const s = session();
    for (let i = 0; i < 3; i++) expect(s.handle(shared('subscription_error.json'))).toEqual({ response: EMPTY, replies: [XBT_REQUEST] });
    expect(s.handle(shared('subscription_error.json'))).toEqual({
      error: 'subscription XBT/USD error: Subscription depth not supported; giving up after 3 re-subscriptions',
    });
  });

  it.each([
    ['subscription_error_unknown_pair.json', 'subscription XBT/FOO error: Currency pair not supported XBT/FOO'],
    ['subscription_pending.json', 'subscription XBT/USD pending: '],
    ['pong.json', 'unhandled event "pong"'],
    ['error_event.json', 'unhandled event "error"'],
  ])('%s: error, no reply', (file, error) => {
    expect(session().handle(local(file))).toEqual({ error });
  });
});
