import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { huobiWs } from '../../../src/exchanges/huobi_ws/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/huobi_ws/${f}`, import.meta.url), 'utf8');
const local = (f: string): string => readFileSync(new URL(`../../fixtures/exchanges/huobi_ws/${f}`, import.meta.url), 'utf8');
/** Server frames are gzip-compressed binary frames on the wire. */
const gz = (text: string): Uint8Array => new Uint8Array(gzipSync(text));
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const session = () => huobiWs.session(tickers('btcusdt', 'ethusdt', 'SOLUSDT'), 1);
const EMPTY = { resolved: [], unresolved: [] };

describe('huobi_ws subscriptions', () => {
  it('matches the anchor request, one topic per message, lower-cased', () => {
    expect(huobiWs.session(tickers('btcusdt'), 1).subscriptions()).toEqual([shared('subscribe_request.json').trim()]);
    expect(session().subscriptions()).toEqual([
      '{"sub":"market.btcusdt.ticker","id":"btcusdt"}',
      '{"sub":"market.ethusdt.ticker","id":"ethusdt"}',
      '{"sub":"market.solusdt.ticker","id":"solusdt"}',
    ]);
  });

  it('ignores the batch size and sends no application heartbeat', () => {
    expect(huobiWs.session(tickers('btcusdt', 'ethusdt'), 25).subscriptions()).toHaveLength(2);
    expect(session().heartbeat()).toEqual([]);
  });
});

describe('huobi_ws ticker data', () => {
  it('reads tick.lastPrice from a gzip frame (shared payload)', () => {
    expect(session().handle(gz(shared('ticker_update.gunzipped.json')))).toEqual({
      response: { resolved: [{ ticker: 'btcusdt', price: '1' }], unresolved: [] },
    });
  });

  it('reads a full ticker and maps an upper-case symbol to the configured spelling', () => {
    const s = session();
    expect(s.handle(gz(local('ticker_ethusdt.gunzipped.json')))).toEqual({
      response: { resolved: [{ ticker: 'ethusdt', price: '3400.12' }], unresolved: [] },
    });
    expect(s.handle(gz(local('ticker_upper_symbol.gunzipped.json')))).toEqual({
      response: { resolved: [{ ticker: 'SOLUSDT', price: '150.25' }], unresolved: [] },
    });
  });

  it.each([
    ['ticker_price_string.gunzipped.json', 'ethusdt', 'lastPrice "3400.12" is not a JSON number'],
    ['ticker_price_zero.gunzipped.json', 'ethusdt', 'price 0 is not positive'],
    ['ticker_price_negative.gunzipped.json', 'btcusdt', 'price -1 is not positive'],
    ['ticker_no_tick.gunzipped.json', 'btcusdt', 'lastPrice undefined is not a JSON number'],
  ])('%s: FailedToParsePrice for that ticker', (file, ticker, reason) => {
    expect(session().handle(gz(local(file)))).toEqual({ response: { resolved: [], unresolved: [{ ticker, code: 10, reason }] } });
  });

  it.each([
    ['ticker_unknown_symbol.gunzipped.json', 'ticker for unknown symbol dogeusdt'],
    ['ticker_depth_channel.gunzipped.json', 'unexpected channel market.btcusdt.depth.step0'],
    ['status_only.gunzipped.json', 'message is neither ping, subscribe reply nor ticker'],
    ['ping_string.gunzipped.json', 'ping is not an integer'],
  ])('%s: frame error', (file, error) => {
    expect(session().handle(gz(local(file)))).toEqual({ error });
  });

  it('rejects frames that are not gzip, or not JSON after gunzip, without throwing', () => {
    const s = session();
    expect(s.handle(local('not_gzip.txt')).error).toMatch(/^gunzip failed: /);
    expect(s.handle(new TextEncoder().encode(local('not_gzip.txt'))).error).toMatch(/^gunzip failed: /);
    expect(s.handle(gz(local('ticker_ethusdt.gunzipped.json')).subarray(0, 20)).error).toMatch(/^gunzip failed: /);
    expect(s.handle(gz('{"ch":')).error).toMatch(/^invalid JSON/);
    expect(s.handle(gz('[1,2]'))).toEqual({ error: 'expected a JSON object' });
  });

  it('bounds the inflated size at 1 MiB', () => {
    const big = `{"ch":"market.btcusdt.ticker","pad":"${'x'.repeat(1 << 20)}","tick":{"lastPrice":1}}`;
    expect(session().handle(gz(big)).error).toMatch(/^gunzip failed: /);
  });
});

describe('huobi_ws ping and subscribe replies', () => {
  it('answers a ping with the same number (shared payloads) and refreshes nothing before any price', () => {
    expect(session().handle(gz(shared('ping.gunzipped.json')))).toEqual({ response: EMPTY, replies: [shared('pong_response.json').trim()] });
  });

  it('refreshes only tickers priced since the previous ping', () => {
    const s = session();
    s.handle(gz(shared('ticker_update.gunzipped.json')));
    s.handle(gz(local('ticker_ethusdt.gunzipped.json')));
    expect(s.handle(gz(local('ping_large.gunzipped.json')))).toEqual({
      response: { resolved: [{ ticker: 'btcusdt', price: null }, { ticker: 'ethusdt', price: null }], unresolved: [] },
      replies: ['{"pong":1630982370526}'],
    });
    s.handle(gz(local('ticker_ethusdt.gunzipped.json')));
    expect(s.handle(gz(shared('ping.gunzipped.json'))).response?.resolved).toEqual([{ ticker: 'ethusdt', price: null }]);
    expect(s.handle(gz(shared('ping.gunzipped.json'))).response?.resolved).toEqual([]);
  });

  it('a bad price clears the ticker from the next ping refresh', () => {
    const s = session();
    s.handle(gz(local('ticker_ethusdt.gunzipped.json')));
    s.handle(gz(local('ticker_price_zero.gunzipped.json')));
    expect(s.handle(gz(shared('ping.gunzipped.json'))).response?.resolved).toEqual([]);
  });

  it('accepts an ok subscribe reply (shared payload)', () => {
    expect(session().handle(gz(shared('subscribe_ack.gunzipped.json')))).toEqual({ response: EMPTY });
  });

  it('re-subscribes the ticker named by the id of an error reply, at most three times', () => {
    const s = session();
    for (let i = 0; i < 3; i++) {
      expect(s.handle(gz(local('subscribe_error.gunzipped.json')))).toEqual({
        response: EMPTY,
        replies: ['{"sub":"market.ethusdt.ticker","id":"ethusdt"}'],
      });
    }
    expect(s.handle(gz(local('subscribe_error.gunzipped.json')))).toEqual({
      error: 'subscribe ethusdt failed: bad-request invalid topic market.ethusdt.ticker; giving up after 3 re-subscriptions',
    });
  });

  it('re-subscribes from `subbed` when the id is not ours, and errors when neither is', () => {
    const reply = '{"id":"x","status":"error","subbed":"market.SOLUSDT.ticker"}';
    expect(session().handle(gz(reply)).replies).toEqual(['{"sub":"market.solusdt.ticker","id":"solusdt"}']);
    expect(session().handle(gz(local('subscribe_error_foreign_id.gunzipped.json')))).toEqual({
      error: 'subscribe id1 failed: bad-request invalid topic market.xyzusdt.ticker',
    });
  });
});

describe('huobi_ws pacing defaults', () => {
  it('spreads topics 60 per connection, one per subscribe, 25 ms apart (connect: one connection, 100 ms)', () => {
    const ws = huobiWs.defaults.webSocket;
    expect(ws).toMatchObject({ writeInterval: 25, maxSubscriptionsPerConnection: 60 });
    expect(huobiWs).not.toHaveProperty('dialLimit');
    // 40 subscribes a second per connection: 80 % of the 50 valid requests a second HTX allows on /ws/v2.
    expect(1000 / ws.writeInterval).toBeLessThanOrEqual(0.8 * 50);
    const names = Array.from({ length: 60 }, (_, i) => `c${i}usdt`);
    expect(huobiWs.session(tickers(...names), 50).subscriptions()).toHaveLength(60);
  });
});
