/**
 * The Uniswap v3 pools the simulated nodes serve, with the metadata_JSON a market map needs
 * to price them, so that tests and the demo build their market maps from one table.
 *
 * Addresses are the real mainnet pools; token order is token0 = the lower token address.
 * Sources: connect's uniswapv3 tests (0x8ad599c3… USDC/WETH 0.3 %, token0 USDC) and
 * cmd/constants/marketmaps/markets.go UniswapV3BaseMarketMapJSON (0xd92E0767… 18/6 not
 * inverted, labelled ETH/USDT there; 0xD56da2B7… USDT/USDC 6/6 inverted); the others from the
 * Uniswap v3 deployments: Ethereum WETH 0xC02a…, USDC 0xA0b8…, USDT 0xdAC1…, WBTC 0x2260…;
 * Base WETH 0x4200…0006, USDC 0x8335…. Decimals: WETH 18, USDC 6, USDT 6, WBTC 8.
 * Book assets stand for the tokens (WETH = ETH, WBTC = BTC). The Base pool 0xd92E0767…
 * prices ETH/USDT as connect's market map labels it. DYDX/ETH (DYDX 18 decimals) is a
 * simulator-only pool at a made-up address, for demo and test maps that normalise a Uniswap
 * market by ETH/USD as dYdX's do.
 */

export type UniswapProvider = 'uniswapv3_api-ethereum' | 'uniswapv3_api-base';

interface Token {
  /** The book asset the token stands for. */
  readonly asset: string;
  readonly decimals: number;
}

interface PoolDef {
  readonly provider: UniswapProvider;
  readonly address: string;
  readonly token0: Token;
  readonly token1: Token;
  /** True when the ticker's base is token1 (so the ticker is token1/token0). */
  readonly invert: boolean;
}

/** A pool as a market map needs it. */
export interface UniswapPool {
  readonly provider: UniswapProvider;
  readonly address: string;
  readonly token0: Token;
  readonly token1: Token;
  /** The book pair the ticker prices: base in units of quote. */
  readonly base: string;
  readonly quote: string;
  /** A label unique per provider: `<base>/<quote>`, `<base>/<quote>#2` for a second pool of the pair. */
  readonly offChainTicker: string;
  readonly invert: boolean;
  readonly baseDecimals: number;
  readonly quoteDecimals: number;
  /** {"address","base_decimals","quote_decimals","invert"} */
  readonly metadataJSON: string;
}

const WETH: Token = { asset: 'ETH', decimals: 18 };
const USDC: Token = { asset: 'USDC', decimals: 6 };
const USDT: Token = { asset: 'USDT', decimals: 6 };
const WBTC: Token = { asset: 'BTC', decimals: 8 };
const DYDX: Token = { asset: 'DYDX', decimals: 18 };

const ETH = 'uniswapv3_api-ethereum';
const BASE = 'uniswapv3_api-base';

const DEFS: readonly PoolDef[] = [
  { provider: ETH, address: '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640', token0: USDC, token1: WETH, invert: true },
  { provider: ETH, address: '0x8ad599c3A0ff1De082011EFDDc58f1908eb6e6D8', token0: USDC, token1: WETH, invert: true },
  { provider: ETH, address: '0xCBCdF9626bC03E24f779434178A73a0B4bad62eD', token0: WBTC, token1: WETH, invert: false },
  { provider: ETH, address: '0x11b815efB8f581194ae79006d24E0d814B7697F6', token0: WETH, token1: USDT, invert: false },
  { provider: ETH, address: '0x00000000000000000000000000000000d7d8e700', token0: DYDX, token1: WETH, invert: false },
  { provider: BASE, address: '0xd0b53D9277642d899DF5C87A3966A349A798F224', token0: WETH, token1: USDC, invert: false },
  { provider: BASE, address: '0xd92E0767473D1E3FF11Ac036f2b1DB90aD0aE55F', token0: WETH, token1: USDT, invert: false },
  { provider: BASE, address: '0xD56da2B74bA826f19015E6B7Dd9Dae1903E85DA1', token0: USDC, token1: USDT, invert: true },
];

function describePool(d: PoolDef, i: number, all: readonly PoolDef[]): UniswapPool {
  const baseToken = d.invert ? d.token1 : d.token0;
  const quoteToken = d.invert ? d.token0 : d.token1;
  const pair = `${baseToken.asset}/${quoteToken.asset}`;
  const earlier = all.slice(0, i).filter((o) => o.provider === d.provider && (o.invert ? o.token1 : o.token0) === baseToken && (o.invert ? o.token0 : o.token1) === quoteToken);
  return {
    ...d,
    base: baseToken.asset,
    quote: quoteToken.asset,
    offChainTicker: earlier.length === 0 ? pair : `${pair}#${earlier.length + 1}`,
    baseDecimals: baseToken.decimals,
    quoteDecimals: quoteToken.decimals,
    metadataJSON: JSON.stringify({ address: d.address, base_decimals: baseToken.decimals, quote_decimals: quoteToken.decimals, invert: d.invert }),
  };
}

const POOLS: readonly UniswapPool[] = DEFS.map(describePool);

/** The simulated pools, all or those of one provider. */
export function uniswapPools(provider?: UniswapProvider): UniswapPool[] {
  return POOLS.filter((p) => provider === undefined || p.provider === provider);
}
