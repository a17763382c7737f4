import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mexcWs } from '../../../src/exchanges/mexc_ws/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/mexc_ws/${f}`, import.meta.url), 'utf8');
const local = (f: string): string => readFileSync(new URL(`../../fixtures/exchanges/mexc_ws/${f}`, import.meta.url), 'utf8');
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const session = () => mexcWs.session(tickers('BTCUSDT', 'ETHUSDT', 'SOLUSDT'), 1);
const EMPTY = { resolved: [], unresolved: [] };

describe('mexc_ws subscriptions and heartbeat', () => {
  it('matches the anchor request, upper-casing the symbol', () => {
    expect(mexcWs.session(tickers('BTCUSDT'), 1).subscriptions()).toEqual([shared('subscribe_request.json').trim()]);
    expect(mexcWs.session(tickers('btcusdt'), 1).subscriptions()).toEqual([shared('subscribe_request.json').trim()]);
  });

  it('batches params per message', () => {
    expect(mexcWs.session(tickers('BTCUSDT', 'ETHUSDT', 'SOLUSDT'), 2).subscriptions()).toEqual([
      '{"method":"SUBSCRIPTION","params":["spot@public.miniTicker.v3.api@BTCUSDT@UTC+8","spot@public.miniTicker.v3.api@ETHUSDT@UTC+8"]}',
      '{"method":"SUBSCRIPTION","params":["spot@public.miniTicker.v3.api@SOLUSDT@UTC+8"]}',
    ]);
  });

  it('allows 30 symbols per connection (MEXC\'s limit, the anchor stopped at 20) and refuses 31', () => {
    const names = (n: number) => tickers(...Array.from({ length: n }, (_, i) => `C${i}USDT`));
    expect(mexcWs.session(names(30), 1).subscriptions()).toHaveLength(30);
    expect(() => mexcWs.session(names(31), 1).subscriptions()).toThrow('mexc allows 30 subscriptions per connection, got 31');
  });

  it('pings with the documented {"method":"PING"}, not the anchor\'s form', () => {
    const ping = session().heartbeat();
    expect(ping).toEqual(['{"method":"PING"}']);
    expect(ping).not.toContain(shared('ping_request.json').trim());
  });
});

describe('mexc_ws control replies', () => {
  it('accepts subscribe acks and the pong without refreshing prices (shared payloads)', () => {
    const s = session();
    expect(s.handle(shared('subscribe_ack.json'))).toEqual({ response: EMPTY });
    expect(s.handle(local('subscribe_ack_multi.json'))).toEqual({ response: EMPTY });
    s.handle(shared('ticker_update.json'));
    expect(s.handle(shared('pong.json'))).toEqual({ response: EMPTY });
  });

  it.each([
    ['subscribe_blocked.json', 'mexc reply code 0: Not Subscribed successfully! [spot@public.miniTicker.v3.api@FOOUSDT@UTC+8].  Reason： Blocked! '],
    ['wrong_message.json', 'mexc reply code 0: Wrong message'],
    ['error_code.json', 'mexc reply code 1: PONG'],
    ['empty_object.json', 'message is neither data nor a control reply'],
  ])('%s: frame error', (file, error) => {
    expect(session().handle(local(file))).toEqual({ error });
  });

  it('an echoed anchor-style PING is not a pong', () => {
    expect(session().handle(shared('ping_request.json'))).toEqual({ error: 'mexc reply code 0: PING' });
  });
});

describe('mexc_ws data', () => {
  it('reads d.p (shared payload) and a full miniTicker', () => {
    const s = session();
    expect(s.handle(shared('ticker_update.json'))).toEqual({ response: { resolved: [{ ticker: 'BTCUSDT', price: '10000.00' }], unresolved: [] } });
    expect(s.handle(local('ticker_eth_full.json'))).toEqual({ response: { resolved: [{ ticker: 'ETHUSDT', price: '3400.12' }], unresolved: [] } });
    expect(s.handle(local('ticker_lowercase_symbol.json')).response?.resolved).toEqual([{ ticker: 'SOLUSDT', price: '150.25' }]);
  });

  it.each([
    ['ticker_price_number.json', 10, 'price is not a string'],
    ['ticker_price_negative.json', 10, 'price -3400.12 is not positive'],
    ['ticker_price_bad.json', 10, 'price "$1020.25" is not a decimal number'],
    ['ticker_wrong_channel.json', 11, 'unexpected channel "spot@public.deals.v3.api@ETHUSDT"'],
  ])('%s: ETHUSDT unresolved with code %i', (file, code, reason) => {
    expect(session().handle(local(file))).toEqual({ response: { resolved: [], unresolved: [{ ticker: 'ETHUSDT', code, reason }] } });
  });

  it.each([
    ['ticker_unknown_symbol.json', 'data for unknown symbol DOGEUSDT'],
    ['ticker_no_symbol.json', 'data message without d.s'],
  ])('%s: frame error', (file, error) => {
    expect(session().handle(local(file))).toEqual({ error });
  });

  it('discards malformed JSON and non-objects without throwing', () => {
    const s = session();
    expect(s.handle(local('malformed.txt')).error).toMatch(/^invalid JSON/);
    expect(s.handle('"PONG"')).toEqual({ error: 'expected a JSON object' });
    expect(s.handle(new TextEncoder().encode(shared('ticker_update.json'))).response?.resolved).toHaveLength(1);
  });
});

describe('mexc_ws pacing defaults', () => {
  it('fills connections to MEXC\'s 30 subscriptions with one subscribe each (connect: 20 per connection, 1 per message)', () => {
    const ws = mexcWs.defaults.webSocket;
    expect(ws).toMatchObject({ maxSubscriptionsPerConnection: 30, maxSubscriptionsPerBatch: 30, pingInterval: 20_000 });
    const names = Array.from({ length: 30 }, (_, i) => `C${i}USDT`);
    const messages = mexcWs.session(tickers(...names), ws.maxSubscriptionsPerBatch).subscriptions();
    expect(messages).toHaveLength(1);
    expect((JSON.parse(messages[0]!) as { params: string[] }).params).toHaveLength(30);
  });
});
