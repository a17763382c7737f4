/**
 * uniswapv3_api-{ethereum,base}: slot0 decoding, exact price math, metadata validation and
 * the batch / multi-endpoint logic, against a fake DefiContext (no sockets). Vectors come
 * from connect (providers/apis/defi/uniswapv3/{fetcher_test.go,math_test.go}) and the
 * reference §A.1; expected prices are recomputed with decimal.js at 100 digits.
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { decodeSlot0 } from '../../../src/exchanges/uniswapv3/abi.js';
import { uniswapv3Base, uniswapv3Ethereum } from '../../../src/exchanges/uniswapv3/adapter.js';
import { poolPrice, sqrtPriceX96Of } from '../../../src/exchanges/uniswapv3/math.js';
import { readChunkReply } from '../../../src/exchanges/uniswapv3/rpc.js';
import { BlockAge } from '../../../src/providers/defi.js';
import type { DefiContext, ProviderTicker, RpcReply, RpcRequest } from '../../../src/providers/types.js';

const D = Decimal.clone({ precision: 100 });
const Q96 = 2n ** 96n;
const word = (v: bigint | number): string => BigInt(v).toString(16).padStart(64, '0');
/** A slot0 result built by hand: sqrt, tick 0, then the given tail words. */
const slot0 = (sqrt: bigint, tail: Array<bigint | number> = [0, 1, 1, 0, 1]): string => `0x${[sqrt, 0n, ...tail].map(word).join('')}`;

/** The price by decimal.js, truncated to 40 significant digits like the adapter. */
function reference(sqrt: bigint, base: number, quote: number, invert: boolean): string {
  const raw = new D(sqrt.toString()).div(new D(2).pow(96)).pow(2);
  const scale = new D(10).pow(base - quote);
  const price = invert ? scale.div(raw) : raw.mul(scale);
  return price.toSignificantDigits(40, Decimal.ROUND_DOWN).toFixed();
}

// connect fetcher_test.go "weth/usdc mainnet result" (pool 0x8ad599c3…, 18/6, invert).
const CONNECT_WETH_USDC =
  '0x00000000000000000000000000000000000043dd3b966e761000000000000000000000000000000000000000000000000000000000000000000000000002fabf000000000000000000000000000000000000000000000000000000000000057900000000000000000000000000000000000000000000000000000000000005a000000000000000000000000000000000000000000000000000000000000005a000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001';
const CONNECT_BTC_USDT =
  '0x000000000000000000000000000000000000001a105ec774c5175b820a157dac000000000000000000000000000000000000000000000000000000000000febe000000000000000000000000000000000000000000000000000000000000000d0000000000000000000000000000000000000000000000000000000000000014000000000000000000000000000000000000000000000000000000000000001400000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001';
const CONNECT_MOG_ETH =
  '0x00000000000000000000000000000000000000000000d4df8e2f67f1e094d4dafffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc8f1c00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001000000000000000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001';

describe('decodeSlot0', () => {
  it('reads sqrtPriceX96 from connect mainnet results (a negative tick word is fine)', () => {
    expect(decodeSlot0(CONNECT_WETH_USDC)).toBe(1376449308836404920403933324640256n);
    expect(decodeSlot0(CONNECT_BTC_USDT)).toBe(2064998566460012397847876304300n);
    expect(decodeSlot0(CONNECT_MOG_ETH)).toBe(1005265563818767859111130n);
    expect(decodeSlot0(`0X${CONNECT_BTC_USDT.slice(2).toUpperCase()}`)).toBe(2064998566460012397847876304300n);
  });

  it('is strict like go-ethereum: prefix, even hex, 224 bytes, uint16/uint8/bool words', () => {
    expect(decodeSlot0(slot0(Q96))).toBe(Q96);
    expect(decodeSlot0(`${slot0(Q96)}ff`.padEnd(2 + 512, '0'))).toBe(Q96); // extra bytes are ignored
    const bad = [
      '', '0x', CONNECT_WETH_USDC.slice(2), `${slot0(Q96)}0`, slot0(Q96).slice(0, -2), '0x1234',
      slot0(Q96).replace(/.$/, 'g'),
      slot0(Q96, [0x10000, 1, 1, 0, 1]), slot0(Q96, [0, 0x10000, 1, 0, 1]), slot0(Q96, [0, 1, 0x10000, 0, 1]),
      slot0(Q96, [0, 1, 1, 0x100, 1]), slot0(Q96, [0, 1, 1, 0, 2]), slot0(2n ** 160n),
    ];
    for (const b of bad) expect(decodeSlot0(b), b.slice(0, 20)).toBeInstanceOf(Error);
    expect(decodeSlot0(slot0(Q96, [0xffff, 0xffff, 0xffff, 0xff, 0]))).toBe(Q96);
    expect(decodeSlot0(slot0(2n ** 160n - 1n))).toBe(2n ** 160n - 1n);
  });
});

describe('price math', () => {
  it('matches connect: 1376449308836404920403933324640256 with 18/6 inverted ≈ 3313.1318797', () => {
    const p = poolPrice(1376449308836404920403933324640256n, { baseDecimals: 18, quoteDecimals: 6, invert: true }) as string;
    expect(p).toBe(reference(1376449308836404920403933324640256n, 18, 6, true));
    expect(p.startsWith('3313.131879703878971626114658316')).toBe(true); // connect's big.Float value
  });

  it('2^96 is 1; the §A.1.8 WETH/USDC vector is 3000', () => {
    for (const invert of [false, true]) {
      expect(poolPrice(Q96, { baseDecimals: 0, quoteDecimals: 0, invert })).toBe('1');
      expect(poolPrice(Q96, { baseDecimals: 18, quoteDecimals: 18, invert })).toBe('1');
    }
    const p = poolPrice(4339505179874779489431521n, { baseDecimals: 18, quoteDecimals: 6, invert: false }) as string;
    expect(p).toBe(reference(4339505179874779489431521n, 18, 6, false));
    expect(new D(p).minus(3000).abs().lt('1e-15')).toBe(true);
    expect(sqrtPriceX96Of('3000', 18, 6)).toBe(4339505179874779489431521n);
  });

  it('matches connect math_test.go: the primer value 649004842.70137… and its scaled 1540.8205520…', () => {
    const sqrt = 2018382873588440326581633304624437n;
    const raw = poolPrice(sqrt, { baseDecimals: 0, quoteDecimals: 0, invert: false }) as string;
    expect(new D(raw).div('649004842.7013700766389061032587755').minus(1).abs().lt('1e-15')).toBe(true);
    const scaled = poolPrice(sqrt, { baseDecimals: 18, quoteDecimals: 6, invert: true }) as string;
    expect(new D(scaled).div('1540.820552028').minus(1).abs().lt('1e-12')).toBe(true);
  });

  it('is exact for the largest uint160 and for decimals 0 and 18 either way', () => {
    const max = 2n ** 160n - 1n;
    expect(poolPrice(max, { baseDecimals: 0, quoteDecimals: 30, invert: false })).toBe(reference(max, 0, 30, false));
    expect(poolPrice(max, { baseDecimals: 60, quoteDecimals: 0, invert: true })).toBe(reference(max, 60, 0, true));
    expect(poolPrice(Q96, { baseDecimals: 0, quoteDecimals: 18, invert: false })).toBe('0.000000000000000001');
    expect(poolPrice(Q96 * 3n, { baseDecimals: 18, quoteDecimals: 0, invert: true })).toBe(reference(Q96 * 3n, 18, 0, true));
    const odd = 79228162514264337593543950336123n;
    expect(poolPrice(odd, { baseDecimals: 8, quoteDecimals: 6, invert: false })).toBe(reference(odd, 8, 6, false));
    expect(poolPrice(0n, { baseDecimals: 18, quoteDecimals: 6, invert: true })).toBeInstanceOf(Error);
  });
});

// ---- the fetch, through a fake DefiContext -------------------------------------------------

type Call = { jsonrpc: string; id: number; method: string; params?: [{ data: string; to: string }, string] };
type Node = (index: number, body: Call[]) => RpcReply | Error | Promise<RpcReply | Error>;

class FakeContext implements DefiContext {
  readonly sent: Array<{ index: number; body: Call[] }> = [];
  now = 0;
  readonly age: BlockAge;
  constructor(
    private readonly node: Node,
    readonly endpoints = 1,
    maxAgeMs = 30_000,
  ) {
    this.age = new BlockAge(maxAgeMs, () => this.now);
  }
  async request<T>(index: number, req: RpcRequest, accept: (reply: RpcReply) => T | Error): Promise<T | Error> {
    const body = (req as { body: Call[] }).body;
    this.sent.push({ index, body: JSON.parse(JSON.stringify(body)) as Call[] });
    const reply = await this.node(index, body);
    return reply instanceof Error ? reply : accept(reply);
  }
  checkHeight(height: bigint): Error | undefined {
    return this.age.check(height);
  }
}

const ok = (body: unknown): RpcReply => ({ status: 200, headers: {}, body });

/** A node answering slot0 from `sqrtOf(address)` (undefined → revert) at `height`. */
function evm(sqrtOf: (address: string) => bigint | undefined, height: bigint | string = 100n): (body: Call[]) => RpcReply {
  return (body) =>
    ok(
      body.map((c) => {
        if (c.method === 'eth_blockNumber') return { jsonrpc: '2.0', id: c.id, result: typeof height === 'string' ? height : `0x${height.toString(16)}` };
        const sqrt = sqrtOf(c.params?.[0].to ?? '');
        return sqrt === undefined ? { jsonrpc: '2.0', id: c.id, error: { code: -32000, message: 'execution reverted' } } : { jsonrpc: '2.0', id: c.id, result: slot0(sqrt) };
      }),
    );
}

const addr = (i: number): string => `0x${i.toString(16).padStart(40, '0')}`;
const ticker = (name: string, address: string, base = 18, quote = 6, invert = false): ProviderTicker => ({
  offChainTicker: name,
  metadataJSON: JSON.stringify({ address, base_decimals: base, quote_decimals: quote, invert }),
});
const fetch = uniswapv3Ethereum.fetch;
const codes = (r: { unresolved: Array<{ ticker: string; code: number }> }) => Object.fromEntries(r.unresolved.map((u) => [u.ticker, u.code]));

describe('uniswapv3 fetch', () => {
  it('has connect defaults, timeout applied per call', () => {
    for (const [a, name, url] of [[uniswapv3Ethereum, 'uniswapv3_api-ethereum', 'https://eth.public-rpc.com/'], [uniswapv3Base, 'uniswapv3_api-base', 'https://mainnet.base.org']] as const) {
      expect(a.kind).toBe('defi');
      expect(a.defaults).toMatchObject({ name, atomic: true, interval: 2000, timeout: 1000, reconnectTimeout: 2000, maxQueries: 1, maxBlockHeightAge: 30_000 });
      expect(a.defaults.endpoints.map((e) => e.url)).toEqual([url]);
    }
  });

  it('sends go-ethereum\'s batch: sorted call keys, lower-case to, "latest", eth_blockNumber without params', async () => {
    const ctx = new FakeContext((_i, body) => evm(() => Q96)(body));
    const r = await fetch([ticker('A', '0x8ad599c3A0ff1De082011EFDDc58f1908eb6e6D8'), ticker('B', 'D92E0767473D1E3FF11Ac036f2b1DB90aD0aE55F', 0, 0)], ctx);
    expect(JSON.stringify(ctx.sent[0]?.body)).toBe(
      '[{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"data":"0x3850c7bd","to":"0x8ad599c3a0ff1de082011efddc58f1908eb6e6d8"},"latest"]},' +
        '{"jsonrpc":"2.0","id":2,"method":"eth_call","params":[{"data":"0x3850c7bd","to":"0xd92e0767473d1e3ff11ac036f2b1db90ad0ae55f"},"latest"]},' +
        '{"jsonrpc":"2.0","id":3,"method":"eth_blockNumber"}]',
    );
    expect(r.resolved).toEqual([{ ticker: 'A', price: reference(Q96, 18, 6, false) }, { ticker: 'B', price: '1' }]);
  });

  it('prices connect\'s mainnet answer (3313.13…), answers matched by id in any order', async () => {
    const t = ticker('WETH/USDC', '0x8ad599c3A0ff1De082011EFDDc58f1908eb6e6D8', 18, 6, true);
    const ctx = new FakeContext(() => ok([{ jsonrpc: '2.0', id: 2, result: '0x10' }, { jsonrpc: '2.0', id: 1, result: CONNECT_WETH_USDC }]));
    const r = await fetch([t], ctx);
    expect(r).toEqual({ resolved: [{ ticker: 'WETH/USDC', price: reference(1376449308836404920403933324640256n, 18, 6, true) }], unresolved: [] });
  });

  it('fails the whole fetch with code 12 and sends nothing when any metadata is bad', async () => {
    const good = ticker('GOOD', addr(1));
    const bad = [
      'not json', '[]', '{"address":"0x1234","base_decimals":18,"quote_decimals":6,"invert":false}',
      JSON.stringify({ address: `0x${'g'.repeat(40)}`, base_decimals: 18, quote_decimals: 6, invert: false }),
      JSON.stringify({ address: addr(2), base_decimals: -1, quote_decimals: 6, invert: false }),
      JSON.stringify({ address: addr(2), base_decimals: 18, quote_decimals: -6, invert: false }),
      JSON.stringify({ address: addr(2), base_decimals: 1.5, quote_decimals: 6, invert: false }),
      JSON.stringify({ address: addr(2), base_decimals: 18, quote_decimals: 6 }),
      JSON.stringify({ address: addr(2), base_decimals: 18, quote_decimals: 6, invert: 'true' }),
      JSON.stringify({ base_decimals: 18, quote_decimals: 6, invert: true }),
    ];
    for (const metadataJSON of bad) {
      const ctx = new FakeContext((_i, body) => evm(() => Q96)(body));
      const r = await fetch([good, { offChainTicker: 'BAD', metadataJSON }], ctx);
      expect(codes(r), metadataJSON).toEqual({ GOOD: 12, BAD: 12 });
      expect(r.resolved).toEqual([]);
      expect(ctx.sent).toEqual([]);
    }
  });

  it('sends nothing for no tickers', async () => {
    const ctx = new FakeContext((_i, body) => evm(() => Q96)(body));
    expect(await fetch([], ctx)).toEqual({ resolved: [], unresolved: [] });
    expect(ctx.sent).toEqual([]);
  });

  it('keeps element errors (code 2) and unreadable or unusable results (code 10) to their ticker', async () => {
    const ctx = new FakeContext(() =>
      ok([
        { jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'execution reverted' } },
        { jsonrpc: '2.0', id: 2, result: null },
        { jsonrpc: '2.0', id: 3, result: 42 },
        // id 4: no answer at all
        { jsonrpc: '2.0', id: 5, result: '0x1234' },
        { jsonrpc: '2.0', id: 6, result: slot0(0n) },
        { jsonrpc: '2.0', id: 7, result: slot0(0n) },
        { jsonrpc: '2.0', id: 8, result: slot0(Q96) },
        { jsonrpc: '2.0', id: 9, result: slot0(Q96) },
        { jsonrpc: '2.0', id: 10, result: '0x64' },
      ]),
    );
    const names = ['revert', 'null', 'number', 'missing', 'short', 'zero', 'zero-inv', 'too-big', 'fine'];
    const r = await fetch(names.map((n, i) => ticker(n, addr(i + 1), n === 'too-big' ? 18 : 6, n === 'too-big' ? 0 : 6, n === 'zero-inv')), ctx);
    expect(codes(r)).toEqual({ revert: 2, null: 2, number: 2, missing: 2, short: 10, zero: 10, 'zero-inv': 10, 'too-big': 10 });
    expect(r.unresolved.find((u) => u.ticker === 'revert')?.reason).toContain('execution reverted');
    expect(r.resolved).toEqual([{ ticker: 'fine', price: '1' }]);
  });

  it('sends chunks of 10, one after the other, each ending in eth_blockNumber', async () => {
    let inFlight = 0;
    const ctx = new FakeContext(async (_i, body) => {
      expect(++inFlight).toBe(1);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return evm((a) => Q96 * BigInt(Number.parseInt(a.slice(2), 16)))(body);
    });
    const tickers = Array.from({ length: 23 }, (_, i) => ticker(`T${i}`, addr(i + 1), 0, 0));
    const r = await fetch(tickers, ctx);
    expect(ctx.sent.map((s) => s.body.length)).toEqual([11, 11, 4]);
    for (const s of ctx.sent) {
      expect(s.body.at(-1)).toEqual({ jsonrpc: '2.0', id: s.body.length, method: 'eth_blockNumber' });
      expect(s.body.slice(0, -1).every((c) => c.method === 'eth_call')).toBe(true);
    }
    expect(ctx.sent.flatMap((s) => s.body.slice(0, -1).map((c) => c.params?.[0].to))).toEqual(tickers.map((_, i) => addr(i + 1)));
    expect(r.resolved).toEqual(tickers.map((t, i) => ({ ticker: t.offChainTicker, price: String((i + 1) ** 2) })));
  });

  it('fails the whole fetch with 13 when a later chunk fails in transport', async () => {
    const ctx = new FakeContext((_i, body) => (body.length === 11 ? evm(() => Q96)(body) : new Error('connection reset')));
    const r = await fetch(Array.from({ length: 12 }, (_, i) => ticker(`T${i}`, addr(i + 1))), ctx);
    expect(r.resolved).toEqual([]);
    expect(r.unresolved).toHaveLength(12);
    expect(r.unresolved.every((u) => u.code === 13 && u.reason.includes('connection reset'))).toBe(true);
  });
});

describe('endpoints and block heights', () => {
  const tickers = [ticker('A', addr(1), 0, 0), ticker('B', addr(2), 0, 0)];

  it('takes prices from the highest block, even when a lagging endpoint answers last', async () => {
    const ctx = new FakeContext(async (i, body) => {
      if (i === 0) {
        await new Promise((r) => setTimeout(r, 20));
        return evm(() => Q96 * 7n, 99n)(body);
      }
      return evm(() => Q96 * 2n, 105n)(body);
    }, 2);
    const r = await fetch(tickers, ctx);
    expect(ctx.sent.map((s) => s.index).sort()).toEqual([0, 1]);
    expect(ctx.sent[0]?.body).toEqual(ctx.sent[1]?.body);
    expect(r.resolved).toEqual([{ ticker: 'A', price: '4' }, { ticker: 'B', price: '4' }]);
  });

  it('ties go to the lower index; a failed endpoint is skipped', async () => {
    const tie = new FakeContext((i, body) => evm(() => Q96 * BigInt(i + 2), 50n)(body), 3);
    expect((await fetch(tickers, tie)).resolved.map((q) => q.price)).toEqual(['4', '4']);
    const oneDown = new FakeContext((i, body) => (i === 0 ? { status: 503, headers: {}, body: 'busy' } : evm(() => Q96 * 3n, 10n)(body)), 2);
    expect((await fetch(tickers, oneDown)).resolved.map((q) => q.price)).toEqual(['9', '9']);
  });

  it('fails everything with 13 when no endpoint reports a height above 0', async () => {
    const zero = new FakeContext((_i, body) => evm(() => Q96, '0x0')(body), 2);
    const r = await fetch(tickers, zero);
    expect(codes(r)).toEqual({ A: 13, B: 13 });
    const down = new FakeContext(() => new Error('request timed out'), 2);
    const r2 = await fetch(tickers, down);
    expect(codes(r2)).toEqual({ A: 13, B: 13 });
    expect(r2.unresolved[0]?.reason).toContain('request timed out');
  });

  it('fails everything with 13 "stale" once the height stops for longer than maxBlockHeightAge, with one endpoint too', async () => {
    for (const endpoints of [1, 2]) {
      const ctx = new FakeContext((_i, body) => evm(() => Q96, 500n)(body), endpoints, 30_000);
      expect((await fetch(tickers, ctx)).resolved).toHaveLength(2);
      ctx.now = 30_000;
      expect((await fetch(tickers, ctx)).resolved).toHaveLength(2);
      ctx.now = 30_001;
      const r = await fetch(tickers, ctx);
      expect(codes(r)).toEqual({ A: 13, B: 13 });
      expect(r.unresolved[0]?.reason).toMatch(/stale/);
    }
  });
});

describe('readChunkReply (what fails an endpoint)', () => {
  const good = [{ jsonrpc: '2.0', id: 1, result: slot0(Q96) }];
  const withBlock = (block: unknown) => ok([...good, { jsonrpc: '2.0', id: 2, ...(block as object) }]);

  it('accepts a canonical quantity of at most 64 bits', () => {
    expect(readChunkReply(withBlock({ result: '0x121eac0' }), 1)).toEqual({ height: 0x121eac0n, results: [{ result: slot0(Q96) }] });
    expect(readChunkReply(withBlock({ result: '0xffffffffffffffff' }), 1)).toMatchObject({ height: 2n ** 64n - 1n });
  });

  it('rejects a bad status, a non-array body, a non-object element and a bad eth_blockNumber', () => {
    const bad: RpcReply[] = [
      { status: 500, headers: {}, body: [] },
      { status: 429, headers: {}, body: [] },
      ok({ jsonrpc: '2.0', id: 1, result: '0x1' }),
      ok(undefined),
      ok([...good, 7, { jsonrpc: '2.0', id: 2, result: '0x1' }]),
      ok(good),
      withBlock({ error: { code: -32000, message: 'header not found' } }),
      withBlock({ result: null }),
      withBlock({ result: 17 }),
      withBlock({ result: '0x01' }),
      withBlock({ result: '0x' }),
      withBlock({ result: '17' }),
      withBlock({ result: '0x10000000000000000' }),
    ];
    for (const reply of bad) expect(readChunkReply(reply, 1), JSON.stringify(reply)).toBeInstanceOf(Error);
  });
});
