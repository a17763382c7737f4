import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { okxWs } from '../../../src/exchanges/okx_ws/adapter.js';
import type { ProviderTicker } from '../../../src/providers/types.js';

const shared = (f: string): string =>
  readFileSync(new URL(`../../../../shared/fixtures/connect-test-payloads/okx_ws/${f}`, import.meta.url), 'utf8');
const local = (f: string): string => readFileSync(new URL(`../../fixtures/exchanges/okx_ws/${f}`, import.meta.url), 'utf8');
const tickers = (...names: string[]): ProviderTicker[] => names.map((offChainTicker) => ({ offChainTicker, metadataJSON: '' }));
const session = () => okxWs.session(tickers('BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'ATOM-USDT'), 25);
const EMPTY = { resolved: [], unresolved: [] };
const BTC_REQUEST = '{"op":"subscribe","args":[{"channel":"tickers","instId":"BTC-USDT"}]}';

describe('okx_ws subscriptions', () => {
  it('matches the anchor request for two instruments in one batch', () => {
    expect(okxWs.session(tickers('BTC-USDT', 'ETH-USDT'), 2).subscriptions()).toEqual([shared('subscribe_request.json').trim()]);
  });

  it('splits 30 instruments into batches of 25 and 5', () => {
    const many = tickers(...Array.from({ length: 30 }, (_, i) => `C${i}-USDT`));
    const messages = okxWs.session(many, 25).subscriptions().map((m) => JSON.parse(m) as { op: string; args: { channel: string; instId: string }[] });
    expect(messages.map((m) => m.args.length)).toEqual([25, 5]);
    expect(messages[1]?.args[4]).toEqual({ channel: 'tickers', instId: 'C29-USDT' });
    expect(messages.every((m) => m.op === 'subscribe')).toBe(true);
  });

  it('sends no application heartbeat', () => {
    expect(session().heartbeat()).toEqual([]);
  });
});

describe('okx_ws control frames', () => {
  it('answers the subscribe ack and a text pong with an empty response', () => {
    const s = session();
    expect(s.handle(shared('subscribe_ack.json'))).toEqual({ response: EMPTY });
    expect(s.handle(local('pong.txt'))).toEqual({ response: EMPTY });
    expect(s.handle(new TextEncoder().encode('pong'))).toEqual({ response: EMPTY });
  });

  it('re-sends the request echoed in an "Invalid request" error (shared payload)', () => {
    expect(session().handle(shared('subscribe_error.json'))).toEqual({ response: EMPTY, replies: [BTC_REQUEST] });
  });

  it('re-sends the same request at most three times', () => {
    const s = session();
    for (let i = 0; i < 3; i++) expect(s.handle(shared('subscribe_error.json')).replies).toEqual([BTC_REQUEST]);
    const last = s.handle(shared('subscribe_error.json'));
    expect(last.replies).toBeUndefined();
    expect(last.error).toMatch(/rejected .* 4 times, giving up$/);
  });

  it.each([
    ['error_not_invalid_request.json', /^okx error 60018: Wrong URL or channel/],
    ['error_bad_remainder.json', /^okx error 60012: Invalid request: /],
    ['error_unsubscribe_remainder.json', /^okx error 60012: Invalid request: /],
    ['error_numeric_code.json', /^error event: code is not a string$/],
    ['notice.json', /^unhandled event "notice"$/],
  ])('discards %s with an error and no reply', (file, error) => {
    const r = session().handle(local(file));
    expect(r.replies).toBeUndefined();
    expect(r.error).toMatch(error);
  });
});

describe('okx_ws ticker data', () => {
  it('maps each data entry by instId (shared payload)', () => {
    expect(session().handle(shared('ticker_update_multi.json'))).toEqual({
      response: {
        resolved: [
          { ticker: 'BTC-USDT', price: '1' },
          { ticker: 'ETH-USDT', price: '2' },
        ],
        unresolved: [],
      },
    });
  });

  it('keeps good entries, fails bad prices and skips unknown or garbage entries', () => {
    expect(session().handle(local('ticker_update_mixed.json'))).toEqual({
      response: {
        resolved: [
          { ticker: 'BTC-USDT', price: '64000.1' },
          { ticker: 'SOL-USDT', price: '150.25' },
        ],
        unresolved: [{ ticker: 'ETH-USDT', code: 10, reason: 'price -1 is not positive' }],
      },
    });
  });

  it('fails empty, NaN and missing prices with FailedToParsePrice', () => {
    const r = session().handle(local('ticker_update_bad_prices.json')).response;
    expect(r?.resolved).toEqual([]);
    expect(r?.unresolved.map((u) => [u.ticker, u.code])).toEqual([
      ['BTC-USDT', 10],
      ['ETH-USDT', 10],
      ['SOL-USDT', 10],
    ]);
  });

  it.each([
    ['wrong_channel.json', 'data for unexpected channel "index-tickers"'],
    ['data_not_array.json', 'tickers: data is not an array'],
  ])('discards %s with an error', (file, error) => {
    expect(session().handle(local(file))).toEqual({ error });
  });

  it('discards malformed JSON and non-objects without throwing', () => {
    const s = session();
    expect(s.handle(local('malformed.txt')).error).toMatch(/^invalid JSON/);
    expect(s.handle('"pong"')).toEqual({ error: 'expected a JSON object' });
    expect(s.handle('{"data":[]}')).toEqual({ error: 'data for unexpected channel undefined' });
  });
});
