/** osmosis_api adapter against a scripted DefiContext: no sockets, no timers. */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { osmosisApi } from '../../../src/exchanges/osmosis_api/adapter.js';
import { BlockAge } from '../../../src/providers/defi.js';
import type { DefiContext, ProviderResponse, ProviderTicker, RpcReply, RpcRequest } from '../../../src/providers/types.js';

const HEADER = 'grpc-metadata-x-cosmos-block-height';
const ATOM = 'ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2';
const STARS = 'ibc/987C17B11ABC2B20019178ACE62929FE9840202CE79498E29FE8E5CB02B7C0A4';

/** connect's market-map metadata (cmd/constants/marketmaps/markets.go OsmosisMarketMapJSON). */
const STARS_META = `{"pool_id":1096,"base_token_denom":"${STARS}","quote_token_denom":"uosmo"}`;
const ATOM_META = `{"pool_id":1,"base_token_denom":"${ATOM}","quote_token_denom":"uosmo"}`;

type Answer = RpcReply | Error;
type Script = (index: number, req: RpcRequest) => Answer | Promise<Answer>;

/** A DefiContext that answers from `script` and records requests and checked heights. */
class FakeContext implements DefiContext {
  readonly requests: Array<{ index: number; req: RpcRequest }> = [];
  readonly checked: bigint[] = [];

  constructor(
    readonly endpoints: number,
    private readonly script: Script,
    private readonly age = new BlockAge(30_000, () => 0),
  ) {}

  async request<T>(index: number, req: RpcRequest, accept: (reply: RpcReply) => T | Error): Promise<T | Error> {
    this.requests.push({ index, req });
    const reply = await this.script(index, req);
    return reply instanceof Error ? reply : accept(reply);
  }

  checkHeight(height: bigint): Error | undefined {
    this.checked.push(height);
    return this.age.check(height);
  }
}

const ticker = (offChainTicker: string, metadataJSON: string): ProviderTicker => ({ offChainTicker, metadataJSON });
const atom = ticker('ATOM/OSMO', ATOM_META);

/** A 200 answer with `spot_price` and, unless undefined, the height header. */
function ok(spot: unknown, height?: string): RpcReply {
  return { status: 200, headers: height === undefined ? {} : { [HEADER]: height }, body: { spot_price: spot } };
}

/** Endpoint i answers answers[i]. */
const byIndex = (...answers: Answer[]): Script => (i) => answers[i] ?? new Error('no such endpoint');

async function fetchOne(t: ProviderTicker, ...answers: Answer[]): Promise<ProviderResponse> {
  return osmosisApi.fetch([t], new FakeContext(answers.length, byIndex(...answers)));
}

const codes = (r: ProviderResponse): Array<[string, number]> => r.unresolved.map((u) => [u.ticker, u.code]);
const onlyPrice = (r: ProviderResponse): string | null | undefined => {
  expect(r.unresolved).toEqual([]);
  return r.resolved[0]?.price;
};

describe('osmosis_api defaults', () => {
  it('are connect DefaultAPIConfig (osmosis/types.go)', () => {
    const d = osmosisApi.defaults;
    expect(d).toMatchObject({ name: 'osmosis_api', enabled: true, atomic: false, batchSize: 1, maxQueries: 10, interval: 2000, timeout: 5000, reconnectTimeout: 5000, maxBlockHeightAge: 30_000 });
    expect(d.endpoints.map((e) => e.url)).toEqual(['https://osmosis-api.polkachu.com']);
  });
});

describe('osmosis_api request', () => {
  it('GETs the v2 prices path with the denoms verbatim (no escaping) on every endpoint', async () => {
    const ctx = new FakeContext(3, () => ok('1', '7'));
    await osmosisApi.fetch([ticker('STARS/OSMO', STARS_META)], ctx);
    const path = `/osmosis/poolmanager/v2/pools/1096/prices?base_asset_denom=${STARS}&quote_asset_denom=uosmo`;
    expect(ctx.requests.map((r) => r.index).sort()).toEqual([0, 1, 2]);
    for (const r of ctx.requests) expect(r.req).toEqual({ method: 'GET', path });
    expect(path.startsWith('/osmosis/')).toBe(true);
  });

  it('uses pool 0 when pool_id is omitted, as connect accepts', async () => {
    const ctx = new FakeContext(1, () => ok('1', '7'));
    await osmosisApi.fetch([ticker('X/OSMO', '{"base_token_denom":"uatom","quote_token_denom":"uosmo"}')], ctx);
    expect(ctx.requests[0]?.req).toEqual({ method: 'GET', path: '/osmosis/poolmanager/v2/pools/0/prices?base_asset_denom=uatom&quote_asset_denom=uosmo' });
  });
});

describe('osmosis_api metadata', () => {
  const bad: Array<[string, string]> = [
    ['not JSON', 'pool 1'],
    ['empty', ''],
    ['null', 'null'],
    ['array', '[1]'],
    ['no denoms', '{"pool_id":1}'],
    ['empty base', '{"pool_id":1,"base_token_denom":"","quote_token_denom":"uosmo"}'],
    ['missing quote', `{"pool_id":1,"base_token_denom":"${ATOM}"}`],
    ['numeric denom', '{"pool_id":1,"base_token_denom":5,"quote_token_denom":"uosmo"}'],
    ['denom with &', '{"pool_id":1,"base_token_denom":"uatom&x=1","quote_token_denom":"uosmo"}'],
    ['pool_id string', `{"pool_id":"1","base_token_denom":"${ATOM}","quote_token_denom":"uosmo"}`],
    ['pool_id negative', `{"pool_id":-1,"base_token_denom":"${ATOM}","quote_token_denom":"uosmo"}`],
    ['pool_id fraction', `{"pool_id":1.5,"base_token_denom":"${ATOM}","quote_token_denom":"uosmo"}`],
  ];

  it.each(bad)('%s: TickerMetadataNotFound (17) for that ticker only, nothing sent for it', async (_, json) => {
    const ctx = new FakeContext(2, () => ok('16.5', '100'));
    const r = await osmosisApi.fetch([ticker('BAD/OSMO', json), atom], ctx);
    expect(codes(r)).toEqual([['BAD/OSMO', 17]]);
    expect(r.unresolved[0]?.reason.startsWith('no osmosis metadata for ticker: BAD/OSMO')).toBe(true);
    expect(r.resolved).toEqual([{ ticker: 'ATOM/OSMO', price: '16.5' }]);
    expect(ctx.requests).toHaveLength(2);
  });

  it('reads a changed metadata_JSON at once (no cache keyed by ticker alone)', async () => {
    const ctx = new FakeContext(1, () => ok('1', '7'));
    await osmosisApi.fetch([ticker('T', ATOM_META)], ctx);
    await osmosisApi.fetch([ticker('T', STARS_META)], ctx);
    expect(ctx.requests.map((r) => (r.req.method === 'GET' ? r.req.path.split('/')[5] : ''))).toEqual(['1', '1096']);
  });
});

describe('osmosis_api spot_price', () => {
  it('keeps the exact value of a 36-decimal spot price', async () => {
    const raw = '1.234500000000000000000000000000000000';
    const price = onlyPrice(await fetchOne(atom, ok(raw, '10'))) ?? '';
    expect(price).toMatch(/^\d+(\.\d+)?$/);
    expect(new Decimal(price).eq(new Decimal('1.2345'))).toBe(true);
  });

  it('loses no digit of a long value (beyond float64)', async () => {
    const raw = '12345678.000000000000000000000000000000000001';
    const price = onlyPrice(await fetchOne(atom, ok(raw, '10'))) ?? '';
    expect(new Decimal(price).eq(new Decimal(raw))).toBe(true);
    expect(price).not.toBe(String(Number(raw)));
  });

  it('reads a small exponent exactly', async () => {
    const price = onlyPrice(await fetchOne(atom, ok('1.5e-3', '10'))) ?? '';
    expect(new Decimal(price).eq(new Decimal('0.0015'))).toBe(true);
  });

  it.each(['', 'abc', '0', '0.000000000000000000000000000000000000', '-1', '-0.5', 'NaN', 'Infinity', '1e999', ' 1', '1,5', '9'.repeat(101)])(
    'spot_price %j is FailedToParsePrice (10)',
    async (raw) => {
      expect(codes(await fetchOne(atom, ok(raw, '10')))).toEqual([['ATOM/OSMO', 10]]);
    },
  );

  it('a missing or null spot_price reads as empty (10), as Go decodes it', async () => {
    const noField: RpcReply = { status: 200, headers: { [HEADER]: '10' }, body: {} };
    expect(codes(await fetchOne(atom, noField))).toEqual([['ATOM/OSMO', 10]]);
    expect(codes(await fetchOne(atom, ok(null, '10')))).toEqual([['ATOM/OSMO', 10]]);
  });

  it('a non-string spot_price or a non-object body fails the endpoint (13)', async () => {
    expect(codes(await fetchOne(atom, ok(1.5, '10')))).toEqual([['ATOM/OSMO', 13]]);
    const notJson: RpcReply = { status: 200, headers: { [HEADER]: '10' }, body: undefined };
    const r = await fetchOne(atom, notJson);
    expect(codes(r)).toEqual([['ATOM/OSMO', 13]]);
    expect(r.unresolved[0]?.reason).toContain('endpoint 0: answer is not a JSON object');
  });
});

describe('osmosis_api endpoints', () => {
  it('serves the price of the highest height, whatever its index or arrival order', async () => {
    const ctx = new FakeContext(3, async (i) => {
      // The winner (index 1) answers last.
      await new Promise((r) => setTimeout(r, i === 1 ? 20 : 0));
      return [ok('1', '100'), ok('2', '105'), ok('3', '103')][i] as RpcReply;
    });
    const r = await osmosisApi.fetch([atom], ctx);
    expect(onlyPrice(r)).toBe('2');
    expect(ctx.checked).toEqual([105n]);
  });

  it('breaks a height tie to the lower index', async () => {
    expect(onlyPrice(await fetchOne(atom, ok('7', '50'), ok('8', '50')))).toBe('7');
  });

  it('a failed endpoint never wins with an empty price', async () => {
    expect(onlyPrice(await fetchOne(atom, new Error('connect ECONNREFUSED'), ok('9', '50')))).toBe('9');
  });

  it('the winner with a bad price is FailedToParsePrice even if a lower endpoint has a good one', async () => {
    const r = await fetchOne(atom, ok('5', '49'), ok('', '50'));
    expect(codes(r)).toEqual([['ATOM/OSMO', 10]]);
    expect(r.unresolved[0]?.reason).toContain('endpoint 1');
  });

  it('all endpoints failing is APIGeneral (13) with every reason', async () => {
    const gateway: RpcReply = { status: 400, headers: { [HEADER]: '50' }, body: { code: 3, message: 'pool with id 9 not found', details: [] } };
    const r = await fetchOne(atom, new Error('connect ECONNREFUSED'), gateway, { status: 503, headers: {}, body: undefined });
    expect(codes(r)).toEqual([['ATOM/OSMO', 13]]);
    const reason = r.unresolved[0]?.reason ?? '';
    expect(reason).toContain('endpoint 0: connect ECONNREFUSED');
    expect(reason).toContain('endpoint 1: HTTP 400: pool with id 9 not found');
    expect(reason).toContain('endpoint 2: HTTP 503');
  });

  it('a non-200 answer is an error even with a spot_price in it', async () => {
    const r = await fetchOne(atom, { status: 500, headers: { [HEADER]: '50' }, body: { spot_price: '3' } });
    expect(codes(r)).toEqual([['ATOM/OSMO', 13]]);
  });

  it('one failing ticker leaves the others priced', async () => {
    const ctx = new FakeContext(1, (_, req) => (req.method === 'GET' && req.path.includes('/pools/1096/') ? new Error('timeout') : ok('16', '9')));
    const r = await osmosisApi.fetch([ticker('STARS/OSMO', STARS_META), atom], ctx);
    expect(codes(r)).toEqual([['STARS/OSMO', 13]]);
    expect(r.resolved).toEqual([{ ticker: 'ATOM/OSMO', price: '16' }]);
  });
});

describe('osmosis_api block height header', () => {
  it('an answer without the header loses to any answer with a height', async () => {
    const ctx = new FakeContext(2, byIndex(ok('1'), ok('2', '5')));
    expect(onlyPrice(await osmosisApi.fetch([atom], ctx))).toBe('2');
    expect(ctx.checked).toEqual([5n]);
  });

  it('with no height anywhere the lowest answering endpoint is served and the age check cannot run', async () => {
    const ctx = new FakeContext(3, byIndex(new Error('timeout'), ok('2'), ok('3', '')));
    expect(onlyPrice(await osmosisApi.fetch([atom], ctx))).toBe('2');
    expect(ctx.checked).toEqual([]);
  });

  it.each(['abc', '-5', '1.0', '12 ', '18446744073709551616'])('an unparseable header %j fails that endpoint', async (h) => {
    const alone = await fetchOne(atom, ok('1', h));
    expect(codes(alone)).toEqual([['ATOM/OSMO', 13]]);
    expect(alone.unresolved[0]?.reason).toContain(`unparseable ${HEADER}`);
    // The other endpoint (no height) is then served.
    expect(onlyPrice(await fetchOne(atom, ok('1', h), ok('2')))).toBe('2');
  });

  it('accepts the largest uint64 height', async () => {
    const ctx = new FakeContext(1, () => ok('4', '18446744073709551615'));
    expect(onlyPrice(await osmosisApi.fetch([atom], ctx))).toBe('4');
    expect(ctx.checked).toEqual([18446744073709551615n]);
  });

  it('a height that stops rising goes stale (13) after maxBlockHeightAge, and recovers', async () => {
    let now = 0;
    let height = '100';
    const ctx = new FakeContext(2, () => ok('3', height), new BlockAge(1000, () => now));
    expect(onlyPrice(await osmosisApi.fetch([atom], ctx))).toBe('3');
    now = 1000;
    expect(onlyPrice(await osmosisApi.fetch([atom], ctx))).toBe('3');
    now = 1001;
    const stale = await osmosisApi.fetch([atom], ctx);
    expect(codes(stale)).toEqual([['ATOM/OSMO', 13]]);
    expect(stale.unresolved[0]?.reason).toContain('stale');
    height = '101';
    expect(onlyPrice(await osmosisApi.fetch([atom], ctx))).toBe('3');
  });
});
