/**
 * The Raydium AMM v4 pools the simulated Solana node serves, and their raydium_api market-map
 * entries (connect's `metadata_JSON` shape, providers/apis/defi/raydium/types.go), so that test
 * and demo market maps are built from the same list as the simulator.
 *
 * Addresses:
 * - SOL/USDC: the real pool. AMM 58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2, coin vault
 *   DQyrAcCr…, pc vault HLmqeL62…, open orders HmiHHzq4… (the AmmInfo's `token_coin`,
 *   `token_pc` and `open_orders` on mainnet since its move to the OpenBook market 8BnEgHoW…).
 *   connect's market maps list no SOL/USDC raydium pool; these come from public Raydium SDK
 *   pool-key listings and decoders of the on-chain AmmInfo.
 * - SOL/USDT: the real pool 7XawhbbxtsRcQA8KTkHT9f9nc6d69UwqCDh6U5EEbEmX with the vaults and
 *   open orders of Raydium's legacy UI pool list (Serum v3 era; the open orders may have moved).
 * - ETH/SOL, DYDX/SOL and TIA/SOL (SOL as the quote, as in dYdX's Raydium markets, which the
 *   market map normalises by SOL/USD): simulator-only pools. Their keys are generated
 *   deterministically (SHA-256 of a label, as 32-byte base58 keys); they are valid public keys
 *   but not mainnet accounts, so they belong in demo and test maps only.
 * Decimals are the real mints': SOL 9, USDC 6, USDT 6, Wormhole WETH 8; the simulator-only DYDX
 * and TIA tokens have 8 and 6.
 */
import { createHash } from 'node:crypto';
import { encodeBase58 } from './base58.js';

export interface RaydiumPool {
  /** The off-chain ticker this pool is listed under in the market map. */
  readonly offChainTicker: string;
  /** The price-book assets the pool prices (base in quote). */
  readonly base: string;
  readonly quote: string;
  readonly baseDecimals: number;
  readonly quoteDecimals: number;
  readonly ammInfo: string;
  readonly baseVault: string;
  readonly quoteVault: string;
  readonly openOrders: string;
  readonly baseMint: string;
  readonly quoteMint: string;
}

/** A market-map entry of one simulated pool. */
export interface RaydiumPoolListing {
  readonly offChainTicker: string;
  readonly base: string;
  readonly quote: string;
  /** The AMM account address: the pool's identifier (the simulator's symbol). */
  readonly ammInfo: string;
  /** connect's raydium `metadata_JSON` for this pool. */
  readonly metadataJSON: string;
}

const SOL_MINT = 'So11111111111111111111111111111111111111112';
const USDC_MINT = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const USDT_MINT = 'Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB';
const WETH_MINT = '7vfCXTUXx5WJV5JADk17DUJ4ksgau7utNKj4b963voxs';

/** A valid, deterministic 32-byte key for a pool without a known mainnet address. */
function generatedKey(label: string): string {
  return encodeBase58(createHash('sha256').update(`oracle-sidecar simulated raydium ${label}`).digest());
}

export const RAYDIUM_POOLS: readonly RaydiumPool[] = [
  {
    offChainTicker: 'SOL/USDC', base: 'SOL', quote: 'USDC', baseDecimals: 9, quoteDecimals: 6,
    ammInfo: '58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2',
    baseVault: 'DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz',
    quoteVault: 'HLmqeL62xR1QoZ1HKKbXRrdN1p3phKpxRMb2VVopvBBz',
    openOrders: 'HmiHHzq4Fym9e1D4qzLS6LDDM3tNsCTBPDWHTLZ763jY',
    baseMint: SOL_MINT, quoteMint: USDC_MINT,
  },
  {
    offChainTicker: 'SOL/USDT', base: 'SOL', quote: 'USDT', baseDecimals: 9, quoteDecimals: 6,
    ammInfo: '7XawhbbxtsRcQA8KTkHT9f9nc6d69UwqCDh6U5EEbEmX',
    baseVault: '876Z9waBygfzUrwwKFfnRcc7cfY4EQf6Kz1w7GRgbVYW',
    quoteVault: 'CB86HtaqpXbNWbq67L18y5x2RhqoJ6smb7xHUcyWdQAQ',
    openOrders: '4NJVwEAoudfSvU5kdxKm5DsQe4AAqG6XxpZcNdQVinS4',
    baseMint: SOL_MINT, quoteMint: USDT_MINT,
  },
  {
    offChainTicker: 'ETH/SOL', base: 'ETH', quote: 'SOL', baseDecimals: 8, quoteDecimals: 9,
    ammInfo: generatedKey('ETH/SOL amm'),
    baseVault: generatedKey('ETH/SOL base vault'),
    quoteVault: generatedKey('ETH/SOL quote vault'),
    openOrders: generatedKey('ETH/SOL open orders'),
    baseMint: WETH_MINT, quoteMint: SOL_MINT,
  },
  simulatedSolPool('DYDX', 8),
  simulatedSolPool('TIA', 6),
];

/** A simulator-only pool of `asset` quoted in SOL, every key generated. */
function simulatedSolPool(asset: string, decimals: number): RaydiumPool {
  const label = `${asset}/SOL`;
  return {
    offChainTicker: label, base: asset, quote: 'SOL', baseDecimals: decimals, quoteDecimals: 9,
    ammInfo: generatedKey(`${label} amm`),
    baseVault: generatedKey(`${label} base vault`),
    quoteVault: generatedKey(`${label} quote vault`),
    openOrders: generatedKey(`${label} open orders`),
    baseMint: generatedKey(`${label} base mint`), quoteMint: SOL_MINT,
  };
}

/** connect's `metadata_JSON` of a pool. */
export function poolMetadataJSON(p: RaydiumPool): string {
  return JSON.stringify({
    base_token_vault: { token_vault_address: p.baseVault, token_decimals: p.baseDecimals },
    quote_token_vault: { token_vault_address: p.quoteVault, token_decimals: p.quoteDecimals },
    amm_info_address: p.ammInfo,
    open_orders_address: p.openOrders,
  });
}

/** Every simulated pool as a raydium_api market-map entry, with the book pair it prices. */
export function raydiumPools(): RaydiumPoolListing[] {
  return RAYDIUM_POOLS.map((p) => ({ offChainTicker: p.offChainTicker, base: p.base, quote: p.quote, ammInfo: p.ammInfo, metadataJSON: poolMetadataJSON(p) }));
}
