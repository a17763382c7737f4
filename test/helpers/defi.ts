/**
 * The DeFi providers as the end-to-end tests see them: each simulated node's pools (from the
 * provider's own sim module) and an independent reading of the exact pool price straight from
 * the node's wire answer (a raw request, the arithmetic done here with BigInt), so that the
 * daemon's integer can be checked to the last digit.
 */
import { osmosisPools } from '../../src/exchanges/osmosis_api/sim.js';
import { raydiumPools } from '../../src/exchanges/raydium_api/pools.js';
import { uniswapPools, type UniswapProvider } from '../../src/exchanges/uniswapv3/pools.js';
import type { Simulator } from '../../src/sim/index.js';

export interface DefiPool {
  readonly offChainTicker: string;
  readonly pair: { readonly base: string; readonly quote: string };
  readonly metadataJSON: string;
}

export interface DefiCase {
  readonly provider: string;
  readonly pools: readonly DefiPool[];
  /** The pool's price as endpoint `index` of the simulated node answers it now: exact decimal text. */
  exactPrice(sim: Simulator, pool: DefiPool, index: number): Promise<string>;
}

/** A rational n/d as decimal text, truncated after `digits` fraction digits. */
export function ratioText(n: bigint, d: bigint, digits = 60): string {
  const scaled = (n * 10n ** BigInt(digits)) / d;
  const s = scaled.toString().padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`.replace(/\.?0+$/, '');
}

/** trunc(x × 10^decimals) of decimal text x, as the price API serves it. */
export function exactTimes(x: string, decimals: number): string {
  const [int = '0', frac = ''] = x.split('.');
  return BigInt(int + frac.padEnd(decimals, '0').slice(0, decimals)).toString();
}

async function nodeCall(sim: Simulator, provider: string, index: number, path: string, body?: unknown): Promise<{ body: unknown; headers: Headers }> {
  const knobs = sim.endpoint(provider, index);
  const headers: Record<string, string> = knobs.apiKeyHeader ? { [knobs.apiKeyHeader]: knobs.apiKey } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sim.endpoints[provider] ?? ''}/node/${index}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${provider} node ${index} ${path}: HTTP ${res.status}`);
  return { body: await res.json(), headers: res.headers };
}

const osmosis: DefiCase = {
  provider: 'osmosis_api',
  pools: osmosisPools().map((p) => ({ offChainTicker: p.offChainTicker, pair: p.pair, metadataJSON: p.metadataJSON })),
  async exactPrice(sim, pool, index) {
    const m = JSON.parse(pool.metadataJSON) as { pool_id: number; base_token_denom: string; quote_token_denom: string };
    const path = `/osmosis/poolmanager/v2/pools/${m.pool_id}/prices?base_asset_denom=${m.base_token_denom}&quote_asset_denom=${m.quote_token_denom}`;
    const { body } = await nodeCall(sim, 'osmosis_api', index, path);
    return (body as { spot_price: string }).spot_price.replace(/\.?0+$/, '');
  },
};

/** n × 10^e / d as a fraction with a non-negative exponent on either side. */
function scaled(n: bigint, d: bigint, e: number): [bigint, bigint] {
  return e >= 0 ? [n * 10n ** BigInt(e), d] : [n, d * 10n ** BigInt(-e)];
}

/** Uniswap v3: slot0's first word, sqrtPriceX96; token1 per token0 = (sqrt / 2^96)^2 raw. */
function uniswap(provider: UniswapProvider): DefiCase {
  return {
    provider,
    pools: uniswapPools(provider).map((p) => ({ offChainTicker: p.offChainTicker, pair: { base: p.base, quote: p.quote }, metadataJSON: p.metadataJSON })),
    async exactPrice(sim, pool, index) {
      const m = JSON.parse(pool.metadataJSON) as { address: string; base_decimals: number; quote_decimals: number; invert: boolean };
      const call = [{ jsonrpc: '2.0', id: 1, method: 'eth_call', params: [{ data: '0x3850c7bd', to: m.address.toLowerCase() }, 'latest'] }];
      const { body } = await nodeCall(sim, provider, index, '/', call);
      const hex = ((body as Array<{ result: string }>)[0]?.result ?? '').slice(2);
      const sqrt = BigInt(`0x${hex.slice(0, 64)}`);
      const q192 = 2n ** 192n;
      const [n, d] = m.invert ? [q192, sqrt * sqrt] : [sqrt * sqrt, q192];
      return ratioText(...scaled(n, d, m.base_decimals - m.quote_decimals));
    },
  };
}

/** Raydium AMM v4: (quote vault − pnl pc + open orders quote) / (base vault − pnl coin + open orders base). */
const raydium: DefiCase = {
  provider: 'raydium_api',
  pools: raydiumPools().map((p) => ({ offChainTicker: p.offChainTicker, pair: { base: p.base, quote: p.quote }, metadataJSON: p.metadataJSON })),
  async exactPrice(sim, pool, index) {
    const m = JSON.parse(pool.metadataJSON) as {
      base_token_vault: { token_vault_address: string; token_decimals: number };
      quote_token_vault: { token_vault_address: string; token_decimals: number };
      amm_info_address: string;
      open_orders_address: string;
    };
    const keys = [m.base_token_vault.token_vault_address, m.quote_token_vault.token_vault_address, m.amm_info_address, m.open_orders_address];
    const call = { jsonrpc: '2.0', id: 'e2e', method: 'getMultipleAccounts', params: [keys, { commitment: 'confirmed' }] };
    const { body } = await nodeCall(sim, 'raydium_api', index, '/', call);
    const bytes = (body as { result: { value: Array<{ data: [string, string] }> } }).result.value.map((a) => Buffer.from(a.data[0], 'base64'));
    const [baseVault, quoteVault, amm, oo] = bytes as [Buffer, Buffer, Buffer, Buffer];
    const base = baseVault.readBigUInt64LE(64) - amm.readBigUInt64LE(192) + oo.readBigUInt64LE(85);
    const quote = quoteVault.readBigUInt64LE(64) - amm.readBigUInt64LE(200) + oo.readBigUInt64LE(101);
    return ratioText(...scaled(quote, base, m.base_token_vault.token_decimals - m.quote_token_vault.token_decimals));
  },
};

export const DEFI_CASES: readonly DefiCase[] = [uniswap('uniswapv3_api-ethereum'), uniswap('uniswapv3_api-base'), raydium, osmosis];

/** One market per pool of every case, each priced by that pool alone (min_provider_count 1). */
export function poolMarkets(cases: readonly DefiCase[], decimals: number) {
  const list: Array<{ key: string; c: DefiCase; pool: DefiPool }> = [];
  const markets: Record<string, { ticker: object; provider_configs: Array<{ name: string; off_chain_ticker: string; invert: boolean; metadata_JSON: string }> }> = {};
  let n = 0;
  for (const c of cases) {
    for (const pool of c.pools) {
      const Base = `${pool.pair.base}${n++}`;
      const key = `${Base}/${pool.pair.quote}`;
      list.push({ key, c, pool });
      markets[key] = {
        ticker: { currency_pair: { Base, Quote: pool.pair.quote }, decimals, min_provider_count: 1, enabled: true, metadata_JSON: '' },
        provider_configs: [{ name: c.provider, off_chain_ticker: pool.offChainTicker, invert: false, metadata_JSON: pool.metadataJSON }],
      };
    }
  }
  return { map: { markets }, list, byKey: new Map(list.map((m) => [m.key, m])) };
}
