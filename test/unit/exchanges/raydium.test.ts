/**
 * raydium_api without sockets: account layouts, the balance math (connect's worked example of
 * providers/apis/defi/raydium/price_fetcher_test.go), metadata, the JSON-RPC envelope rules and
 * the multi-endpoint choice, through a fake DefiContext and hand-built account bytes.
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { raydiumApi as adapter } from '../../../src/exchanges/raydium_api/adapter.js';
import { decodeBase58, decodePublicKey, encodeBase58 } from '../../../src/exchanges/raydium_api/base58.js';
import { ammInfoBytes, ammPnl, openOrdersBytes, openOrdersTotals, tokenAccountBytes, tokenAmount } from '../../../src/exchanges/raydium_api/layouts.js';
import { ratioToDecimal } from '../../../src/exchanges/raydium_api/price.js';
import { BlockAge } from '../../../src/providers/defi.js';
import type { DefiContext, ProviderTicker, RpcRequest } from '../../../src/providers/types.js';

const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';

/** Distinct valid keys: 32 bytes of `n`. */
const keyOf = (n: number): string => encodeBase58(new Uint8Array(32).fill(n));
/** Valid base58 of 31 bytes: not a public key. */
const SHORT_KEY = encodeBase58(new Uint8Array(31).fill(200));
const Dec = Decimal.clone({ precision: 100 });

function meta(n: number, baseDecimals = 18, quoteDecimals = 6): string {
  return JSON.stringify({
    base_token_vault: { token_vault_address: keyOf(n), token_decimals: baseDecimals },
    quote_token_vault: { token_vault_address: keyOf(n + 1), token_decimals: quoteDecimals },
    amm_info_address: keyOf(n + 2),
    open_orders_address: keyOf(n + 3),
  });
}

// Hand-built accounts (offsets written here, independently of layouts.ts).
function token(amount: bigint, len = 165): Buffer {
  const b = Buffer.alloc(len);
  b.writeBigUInt64LE(amount, 64);
  return b;
}
function amm(pnlCoin: bigint, pnlPc: bigint, len = 752): Buffer {
  const b = Buffer.alloc(len);
  b.writeBigUInt64LE(pnlCoin, 192);
  b.writeBigUInt64LE(pnlPc, 200);
  return b;
}
function orders(base: bigint, quote: bigint, len = 3228): Buffer {
  const b = Buffer.alloc(len);
  b.writeBigUInt64LE(base, 85);
  b.writeBigUInt64LE(quote, 101);
  return b;
}

/** connect's ETH/USDT example: price exactly 3. */
const EXAMPLE = (): Buffer[] => [token(10n ** 18n), token(3_000_000n), amm(6n * 10n ** 17n, 1_600_000n), orders(10n ** 17n, 100_000n)];

const account = (data: Buffer | null): object | null =>
  data === null ? null : { data: [data.toString('base64'), 'base64'], executable: false, lamports: 2039280, owner: TOKEN_PROGRAM, rentEpoch: 0, space: data.length };

function answer(slot: number, accounts: Array<Buffer | null>): object {
  return { jsonrpc: '2.0', id: 1, result: { context: { apiVersion: '2.0.0', slot }, value: accounts.map(account) } };
}

interface Fake extends DefiContext {
  readonly calls: Array<{ index: number; req: RpcRequest }>;
  now: number;
}

/** A context answering endpoint i with bodies[i] (a function of the request, a body, or an Error). */
function fakeCtx(bodies: Array<unknown | Error | ((req: RpcRequest) => unknown)>, maxAgeMs = 30_000): Fake {
  const ctx: Fake = {
    endpoints: bodies.length,
    calls: [],
    now: 0,
    async request(index, req, accept) {
      ctx.calls.push({ index, req });
      const b = bodies[index];
      if (b instanceof Error) return b;
      return accept({ status: 200, headers: {}, body: typeof b === 'function' ? (b as (r: RpcRequest) => unknown)(req) : b });
    },
    checkHeight: (h) => age.check(h),
  };
  const age = new BlockAge(maxAgeMs, () => ctx.now);
  return ctx;
}

const ticker = (offChainTicker: string, metadataJSON = meta(10)): ProviderTicker => ({ offChainTicker, metadataJSON });

describe('base58 public keys', () => {
  it('decodes known program ids and round-trips', () => {
    expect(Buffer.from(decodePublicKey(TOKEN_PROGRAM) as Uint8Array).toString('hex')).toBe('06ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b37913a8cf5857eff00a9');
    expect(decodePublicKey('11111111111111111111111111111111')).toEqual(new Uint8Array(32));
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 5) % 256);
    expect(decodePublicKey(encodeBase58(bytes))).toEqual(bytes);
    expect(encodeBase58(Uint8Array.from([0, 0, 1]))).toBe('112');
  });

  it('rejects bad characters and wrong lengths', () => {
    expect(decodeBase58('0OIl')).toBeInstanceOf(Error);
    expect(decodePublicKey(SHORT_KEY)).toBeInstanceOf(Error);
    expect(decodePublicKey(encodeBase58(new Uint8Array(33).fill(9)))).toBeInstanceOf(Error);
    expect(decodePublicKey('')).toBeInstanceOf(Error);
  });
});

describe('account layouts', () => {
  it('read the fields at connect offsets and refuse short data', () => {
    expect(tokenAmount(token(12345n))).toBe(12345n);
    expect(ammPnl(amm(7n, 9n))).toEqual({ coin: 7n, pc: 9n });
    expect(openOrdersTotals(orders(3n, 4n))).toEqual({ base: 3n, quote: 4n });
    expect(tokenAmount(token(1n, 164))).toBeInstanceOf(Error);
    expect(ammPnl(amm(1n, 1n, 751))).toBeInstanceOf(Error);
    expect(openOrdersTotals(orders(1n, 1n, 3227))).toBeInstanceOf(Error);
    expect(tokenAmount(token(5n, 200))).toBe(5n); // extra bytes are ignored
  });

  it('builders write what the hand-built accounts hold', () => {
    expect(Buffer.from(tokenAccountBytes(2n ** 64n - 1n)).readBigUInt64LE(64)).toBe(2n ** 64n - 1n);
    const a = Buffer.from(ammInfoBytes({ pnlCoin: 11n, pnlPc: 22n }));
    expect([a.length, a.readBigUInt64LE(192), a.readBigUInt64LE(200)]).toEqual([752, 11n, 22n]);
    const o = Buffer.from(openOrdersBytes(33n, 44n));
    expect([o.length, o.readBigUInt64LE(85), o.readBigUInt64LE(101)]).toEqual([3228, 33n, 44n]);
  });
});

describe('price math', () => {
  it("connect's worked example is exactly 3", async () => {
    const ctx = fakeCtx([answer(100, EXAMPLE())]);
    expect(await adapter.fetch([ticker('ETH/USDT')], ctx)).toEqual({ resolved: [{ ticker: 'ETH/USDT', price: '3' }], unresolved: [] });
  });

  it('an inexact ratio is 40 significant digits, truncated (decimal.js reference)', () => {
    expect(ratioToDecimal(1n, 3n)).toBe(`0.${'3'.repeat(40)}`);
    expect(ratioToDecimal(2n, 3n)).toBe(`0.${'6'.repeat(40)}`); // truncated, not rounded
    expect(ratioToDecimal(10n ** 50n, 1n)).toBe(`1${'0'.repeat(50)}`);
    const [num, den] = [150_123_456_789_012_345n, 999_999_937n * 10n ** 15n];
    const ref = new Dec(num.toString()).div(den.toString()).toSignificantDigits(40, Decimal.ROUND_DOWN).toFixed();
    expect(ratioToDecimal(num, den)).toBe(ref);
  });

  it('decimals scale the ratio (SOL 9 / USDC 6)', async () => {
    const accounts = [token(2_000_000_000n), token(300_000_000n), amm(0n, 0n), orders(0n, 0n)];
    const ctx = fakeCtx([answer(100, accounts)]);
    const r = await adapter.fetch([ticker('SOL/USDC', meta(10, 9, 6))], ctx);
    expect(r.resolved).toEqual([{ ticker: 'SOL/USDC', price: '150' }]);
  });

  it('a negative adjusted balance fails that ticker only (code 13)', async () => {
    const bad = [token(10n), token(3_000_000n), amm(11n, 0n), orders(0n, 0n)];
    const ctx = fakeCtx([answer(100, [...bad, ...EXAMPLE()])]);
    const r = await adapter.fetch([ticker('BAD', meta(10)), ticker('ETH/USDT', meta(20))], ctx);
    expect(r.resolved).toEqual([{ ticker: 'ETH/USDT', price: '3' }]);
    expect(r.unresolved).toEqual([{ ticker: 'BAD', code: 13, reason: 'solana json-rpc error: negative balance' }]);
  });

  it('a zero base is that ticker unresolved (not +Inf, not a batch failure)', async () => {
    const zero = [token(5n), token(3_000_000n), amm(5n, 0n), orders(0n, 0n)];
    const ctx = fakeCtx([answer(100, [...zero, ...EXAMPLE()])]);
    const r = await adapter.fetch([ticker('ZERO', meta(10)), ticker('ETH/USDT', meta(20))], ctx);
    expect(r.resolved).toEqual([{ ticker: 'ETH/USDT', price: '3' }]);
    expect(r.unresolved).toHaveLength(1);
    expect(r.unresolved[0]).toMatchObject({ ticker: 'ZERO', code: 10 });
  });
});

describe('per-ticker and per-call failures', () => {
  it('short data, a null account or no binary data fail that ticker with 13', async () => {
    const [b, q, a, o] = EXAMPLE() as [Buffer, Buffer, Buffer, Buffer];
    const body = answer(100, [b, q, a.subarray(0, 100), o, null, q, a, o, ...EXAMPLE()]) as { result: { value: Array<Record<string, unknown>> } };
    const noData = { ...body.result.value[8], data: { parsed: {} } };
    body.result.value.push(noData, ...(answer(1, [q, a, o]) as { result: { value: Array<Record<string, unknown>> } }).result.value);
    const tickers = [ticker('SHORT', meta(10)), ticker('NULL', meta(20)), ticker('OK', meta(30)), ticker('NODATA', meta(40))];
    const r = await adapter.fetch(tickers, fakeCtx([body]));
    expect(r.resolved).toEqual([{ ticker: 'OK', price: '3' }]);
    const reasons = Object.fromEntries(r.unresolved.map((u) => [u.ticker, [u.code, u.reason]]));
    expect(reasons).toEqual({
      SHORT: [13, 'solana json-rpc error: amm info account data too short: 100 < 752 bytes'],
      NULL: [13, 'solana json-rpc error: base vault account is nil'],
      NODATA: [13, 'solana json-rpc error: base vault account data is nil'],
    });
  });

  it('a value of the wrong length fails every ticker with 13', async () => {
    const r = await adapter.fetch([ticker('A', meta(10)), ticker('B', meta(20))], fakeCtx([answer(100, EXAMPLE())]));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code, u.reason])).toEqual([
      ['A', 13, 'solana json-rpc error: expected 8 accounts, got 4'],
      ['B', 13, 'solana json-rpc error: expected 8 accounts, got 4'],
    ]);
  });

  it.each([
    ['an invalid base58 character', meta(10).replace(keyOf(12), '0OIl'.repeat(8))],
    ['a key of the wrong length', meta(10).replace(keyOf(13), SHORT_KEY)],
    ['missing decimals', JSON.stringify({ ...JSON.parse(meta(10)), base_token_vault: { token_vault_address: keyOf(10) } })],
    ['not JSON', '{'],
  ])('bad metadata (%s) on one ticker fails the whole batch with 3 and no call', async (_, bad) => {
    const ctx = fakeCtx([answer(100, EXAMPLE())]);
    const r = await adapter.fetch([ticker('GOOD', meta(20)), ticker('BAD', bad)], ctx);
    expect(ctx.calls).toHaveLength(0);
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => [u.ticker, u.code])).toEqual([['GOOD', 3], ['BAD', 3]]);
    expect(r.unresolved[0]?.reason).toMatch(/^no raydium metadata for ticker: BAD/);
  });

  it.each([
    ['data as a bare string', (b: Record<string, unknown>) => ((b.result as { value: Array<Record<string, unknown>> }).value[0]!.data = 'abc'), /unknown kind/],
    ['an unknown top-level field', (b: Record<string, unknown>) => (b.extra = 1), /unknown field "extra"/],
    ['a JSON-RPC error', (b: Record<string, unknown>) => (b.error = { code: -32005, message: 'Node is unhealthy' }), /rpc error -32005: Node is unhealthy/],
    ['a null result', (b: Record<string, unknown>) => (b.result = null), /not found/],
    ['an owner that is no key', (b: Record<string, unknown>) => ((b.result as { value: Array<Record<string, unknown>> }).value[1]!.owner = 'x0'), /invalid owner/],
  ])('%s fails the call: every ticker 13', async (_, mutate, reason) => {
    const body = answer(100, EXAMPLE()) as Record<string, unknown>;
    mutate(body);
    const r = await adapter.fetch([ticker('ETH/USDT')], fakeCtx([body]));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved[0]?.code).toBe(13);
    expect(r.unresolved[0]?.reason).toMatch(reason);
  });
});

describe('request and endpoints', () => {
  it('asks for the 4 accounts per ticker in order, commitment confirmed, no encoding', async () => {
    const ctx = fakeCtx([answer(100, [...EXAMPLE(), ...EXAMPLE()])]);
    await adapter.fetch([ticker('A', meta(10)), ticker('B', meta(20))], ctx);
    const body = (ctx.calls[0]?.req as { body: { method: string; jsonrpc: string; params: unknown[] } }).body;
    expect(body.jsonrpc).toBe('2.0');
    expect(body.method).toBe('getMultipleAccounts');
    expect(body.params).toEqual([[10, 11, 12, 13, 20, 21, 22, 23].map(keyOf), { commitment: 'confirmed' }]);
  });

  it('more than 25 tickers go in calls of at most 100 keys', async () => {
    const reply = (req: RpcRequest) => {
      const keys = ((req as { body: { params: [string[]] } }).body.params[0]).length;
      return answer(100, Array.from({ length: keys / 4 }, EXAMPLE).flat());
    };
    const ctx = fakeCtx([reply]);
    const tickers = Array.from({ length: 30 }, (_, i) => ticker(`T${i}`, meta(10)));
    const r = await adapter.fetch(tickers, ctx);
    expect(ctx.calls.map((c) => (c.req as { body: { params: [string[]] } }).body.params[0].length)).toEqual([100, 20]);
    expect(r.resolved).toHaveLength(30);
  });

  it('the highest slot wins and its own prices are used; ties go to the lower index', async () => {
    const at = (price: bigint) => [token(10n ** 18n), token(price * 10n ** 6n), amm(0n, 0n), orders(0n, 0n)];
    const ctx = fakeCtx([answer(100, at(1n)), answer(102, at(2n)), answer(101, at(3n))]);
    expect((await adapter.fetch([ticker('X')], ctx)).resolved).toEqual([{ ticker: 'X', price: '2' }]);
    const tie = fakeCtx([answer(100, at(1n)), answer(105, at(4n)), answer(105, at(5n))]);
    expect((await adapter.fetch([ticker('X')], tie)).resolved).toEqual([{ ticker: 'X', price: '4' }]);
  });

  it('a failing endpoint does not matter while another answers; all failing is 13 for all', async () => {
    const ok = fakeCtx([new Error('connect ECONNREFUSED'), answer(100, EXAMPLE())]);
    expect((await adapter.fetch([ticker('X')], ok)).resolved).toEqual([{ ticker: 'X', price: '3' }]);
    const none = fakeCtx([new Error('timeout'), { jsonrpc: '2.0', id: 1, error: { code: -1, message: 'x' } }]);
    const r = await adapter.fetch([ticker('X')], none);
    expect(r.unresolved[0]?.code).toBe(13);
    expect(r.unresolved[0]?.reason).toMatch(/endpoint 0: timeout; endpoint 1: rpc error -1: x/);
  });

  it('a slot that stops rising goes stale after maxBlockHeightAge (one endpoint too)', async () => {
    const ctx = fakeCtx([answer(100, EXAMPLE())], 1_000);
    expect((await adapter.fetch([ticker('X')], ctx)).resolved).toHaveLength(1);
    ctx.now = 1_000;
    expect((await adapter.fetch([ticker('X')], ctx)).resolved).toHaveLength(1);
    ctx.now = 1_001;
    const r = await adapter.fetch([ticker('X')], ctx);
    expect(r.resolved).toEqual([]);
    expect(r.unresolved[0]?.code).toBe(13);
    expect(r.unresolved[0]?.reason).toMatch(/stale/);
  });

  it('slot 0 is never fresh', async () => {
    const r = await adapter.fetch([ticker('X')], fakeCtx([answer(0, EXAMPLE())]));
    expect(r.resolved).toEqual([]);
    expect(r.unresolved[0]?.code).toBe(13);
  });

  it('a changed metadata for the same ticker takes effect at once', async () => {
    const ctx = fakeCtx([answer(100, EXAMPLE())]);
    await adapter.fetch([ticker('X', meta(10))], ctx);
    await adapter.fetch([ticker('X', meta(50))], ctx);
    const first = (req: RpcRequest | undefined) => (req as { body: { params: [string[]] } }).body.params[0][0];
    expect([first(ctx.calls[0]?.req), first(ctx.calls[1]?.req)]).toEqual([keyOf(10), keyOf(50)]);
  });
});
