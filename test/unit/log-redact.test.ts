/**
 * URLs in logs: every line leaves with the userinfo, query string and fragment of every URL
 * redacted, whatever field or message carries it, and stays valid JSON. Includes the HTTP
 * driver's "request failed" line for an endpoint template without its `%s`, which quoted
 * the whole URL (and any key in its query) every 10 s.
 */
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { apiDefaults } from '../../src/config/provider-defaults.js';
import { exchanges } from '../../src/exchanges/index.js';
import { createLogger, redactUrls } from '../../src/log.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { ProviderMetrics } from '../../src/metrics/provider.js';
import { QuoteStore } from '../../src/oracle/store.js';
import { HttpPoller } from '../../src/providers/http-poller.js';
import { ProviderSink } from '../../src/providers/sink.js';
import type { HttpExchange } from '../../src/providers/types.js';
import { waitFor } from '../helpers/metrics.js';

function capture() {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger('debug', { destination }), raw, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('redactUrls', () => {
  it.each([
    ['GET https://api.example.com/v1/price?key=s3cr3t&x=1 failed', 'GET https://api.example.com/v1/price?<redacted> failed'],
    ['wss://user:pa:ss@ws.example.com:443/feed#tok', 'wss://<redacted>@ws.example.com:443/feed#<redacted>'],
    ['https://u:p@ss@host/p', 'https://<redacted>@host/p'],
    ['https://api.kraken.com/0/public/Ticker?pair=%s', 'https://api.kraken.com/0/public/Ticker?<redacted>'],
    ['http://127.0.0.1:8080/x and grpc://node:9090', 'http://127.0.0.1:8080/x and grpc://node:9090'],
    ['no url here: a?b=c', 'no url here: a?b=c'],
    ['HTTPS://Host/P?Q=1', 'HTTPS://Host/P?<redacted>'],
  ])('%s', (text, expected) => {
    expect(redactUrls(text)).toBe(expected);
    expect(redactUrls(expected)).toBe(expected);
  });

  it('keeps a JSON line valid, consuming escapes inside the query', () => {
    const line = JSON.stringify({ msg: 'endpoint "https://h/p?k="SECRET"&z=\\1" bad', url: 'https://a@h/?q=1' });
    const out = redactUrls(line);
    expect(out).not.toContain('SECRET');
    expect(JSON.parse(out)).toEqual({ msg: 'endpoint "https://h/p?<redacted> bad', url: 'https://<redacted>@h/?<redacted>' });
  });

  it('is linear on a long dotted word', () => {
    const text = `${'a.'.repeat(200_000)}://x`;
    const started = performance.now();
    redactUrls(text);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('every log line', () => {
  it('redacts URLs in the message, in fields at any depth, and in errors', () => {
    const { log, lines } = capture();
    const child = log.child({ provider: 'kraken_api', endpoint: 'https://k.example/x?token=SEKRIT0' });
    child.warn({ target: { urls: ['https://n.example/rpc?apikey=SEKRIT1'] }, reason: 'GET https://user:SEKRIT2@h.example/ failed' }, 'request to https://m.example/p?sig=SEKRIT3 failed');
    child.error({ err: new Error('dial wss://w.example/s?key=SEKRIT4 refused') }, 'dial failed');
    const text = JSON.stringify(lines());
    for (const secret of ['SEKRIT0', 'SEKRIT1', 'SEKRIT2', 'SEKRIT3', 'SEKRIT4']) expect(text).not.toContain(secret);
    const [first] = lines();
    expect(first?.msg).toBe('request to https://m.example/p?<redacted> failed');
    expect(first?.endpoint).toBe('https://k.example/x?<redacted>');
    expect(first?.reason).toBe('GET https://<redacted>@h.example/ failed');
  });

  it('leaves lines without URLs as they are', () => {
    const { log, raw } = capture();
    log.info({ a: 'b?c=d' }, 'plain');
    expect(JSON.parse(raw[0] ?? '{}')).toMatchObject({ a: 'b?c=d', msg: 'plain' });
  });
});

describe('the HTTP driver, given an endpoint without its "%s"', () => {
  let poller: HttpPoller | undefined;
  afterEach(async () => {
    await poller?.stop();
  });

  it('logs the failure without the query string or userinfo of the URL', async () => {
    const { log, raw } = capture();
    const registry = new Registry();
    const metrics = new ProviderMetrics(createMetrics(registry, false), 'kraken_api', 'api');
    const url = 'http://user:PW-SECRET@127.0.0.1:1/0/public/Ticker?pair=XXBTZUSD&key=KEY-SECRET';
    const config = apiDefaults('kraken_api', url, { atomic: true, interval: 50, timeout: 300 });
    poller = new HttpPoller({
      name: 'kraken_api', config, exchange: exchanges.kraken_api as HttpExchange,
      tickers: [{ offChainTicker: 'XXBTZUSD', metadataJSON: '' }],
      sink: new ProviderSink(new QuoteStore(), metrics), metrics, log,
    });
    poller.start();
    await waitFor(() => raw.some((l) => l.includes('request failed')), 5000);
    const line = raw.find((l) => l.includes('request failed')) ?? '';
    expect(line).toContain('http://<redacted>@127.0.0.1:1/0/public/Ticker?<redacted>');
    expect(line).not.toContain('SECRET');
  });
});
